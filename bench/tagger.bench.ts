/**
 * Image-tagger throughput: model load time and images per second on one core (the worker
 * tags one image at a time), over the packaged sample photo and generated 1280 px images
 * (the size of the `medium` JPEG the worker feeds it).   npm run bench:tagger [images=20]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createImageTagger } from '@glimpse/image-tagging';
import { makePhotoLikeJpeg } from './lib/photos';

const count = Number(process.argv[2] ?? 20);
const require = createRequire(import.meta.url);
const sample = readFileSync(join(dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg'));
const images = [sample, ...(await Promise.all([1, 2, 3].map((seed) => makePhotoLikeJpeg(1280, 960, seed))))];

const loadStarted = performance.now();
const tagger = await createImageTagger();
const loadSeconds = (performance.now() - loadStarted) / 1000;
await tagger.tag(images[0]!); // warm-up: first inference compiles kernels

const latencies: number[] = [];
const started = performance.now();
for (let i = 0; i < count; i++) {
  const t0 = performance.now();
  await tagger.tag(images[i % images.length]!);
  latencies.push(performance.now() - t0);
}
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
console.log(`image-tagger (CenterNet + BlazeFace + NSFWJS on TF.js WASM), ${count} images, one at a time:`);
console.log(`  model load        ${loadSeconds.toFixed(1)} s`);
console.log(`  throughput        ${(count / seconds).toFixed(2)} images/s (one worker, WASM on one thread)`);
console.log(`  latency p50 / p95 ${latencies[Math.floor(count / 2)]!.toFixed(0)} / ${latencies[Math.floor(count * 0.95)]!.toFixed(0)} ms`);
await tagger.close();
