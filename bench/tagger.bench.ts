/**
 * Image-tagger cost: model load time, and warm images per second on one core (the worker
 * tags one image at a time; TF.js's WASM backend runs on one thread), over the 80 labelled
 * photographs of packages/image-tagging/test/fixtures/photos (real pictures up to 1024 px,
 * like the `medium` JPEG the worker reads; the mix decides how often the pose model runs).
 * Rounds alternate with a bare CenterNet pass on the same pictures (decode + the one model
 * every object tagger needs), so the ratio holds on a busy machine. CPU time is measured
 * too: core-seconds per image do not depend on how many others share the machine.
 *
 *   taskset -c 0 npm run bench:tagger [rounds=2]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { createImageTagger, installFileFetch, modelFiles, OBJECT_INPUT_SIZE } from '@glimpse/image-tagging';

const rounds = Number(process.argv[2] ?? 2);
const dir = join(import.meta.dirname, '../packages/image-tagging/test/fixtures/photos');
const photos = readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort().map((f) => readFileSync(join(dir, f)));

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1e6;
};
const loadStarted = performance.now();
const loadCpu = process.cpuUsage();
const tagger = await createImageTagger();
const loadSeconds = (performance.now() - loadStarted) / 1000;
const loadCpuSeconds = cpuSeconds(loadCpu);

// The peer: CenterNet alone, through Human, on the same letterboxed input.
const require = createRequire(import.meta.url);
const files = modelFiles();
const tf = require('@tensorflow/tfjs');
const { Human } = require(files.human);
const off = { enabled: false };
const bare = new Human({
  backend: 'wasm', wasmPath: `${files.wasmDirectory}/`, debug: false, async: false, warmup: 'none', cacheSensitivity: 0,
  filter: off, face: off, body: off, hand: off, gesture: off, segmentation: off,
  object: { enabled: true, modelPath: pathToFileURL(files.objects).href, minConfidence: 0.2, maxDetected: 30 },
});
installFileFetch();
await bare.load();
async function bareCenterNet(image: Buffer) {
  const data = await sharp(image).rotate().removeAlpha().resize(OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE, { fit: 'contain', background: '#808080' }).raw().toBuffer();
  const tensor = tf.tensor3d(new Uint8Array(data), [OBJECT_INPUT_SIZE, OBJECT_INPUT_SIZE, 3], 'int32');
  try {
    return await bare.detect(tensor);
  } finally {
    tensor.dispose();
  }
}

// Warm-up: the first inference of each model compiles its kernels.
await tagger.tag(photos[0]!);
await bareCenterNet(photos[0]!);

/** Images per second of wall time, and per second of CPU time (images per core-second). */
async function run(work: (image: Buffer) => Promise<unknown>, latencies: number[]): Promise<[number, number]> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (const image of photos) {
    const t0 = performance.now();
    await work(image);
    latencies.push(performance.now() - t0);
  }
  return [photos.length / ((performance.now() - started) / 1000), photos.length / cpuSeconds(cpu)];
}

const taggerRates: number[] = [];
const bareRates: number[] = [];
const taggerPerCore: number[] = [];
const barePerCore: number[] = [];
const latencies: number[] = [];
for (let round = 0; round < rounds; round++) {
  const [wall, perCore] = await run((image) => tagger.tag(image), latencies);
  taggerRates.push(wall);
  taggerPerCore.push(perCore);
  const [bareWall, barePerCoreRate] = await run(bareCenterNet, []);
  bareRates.push(bareWall);
  barePerCore.push(barePerCoreRate);
}
latencies.sort((a, b) => a - b);
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const pick = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))]!.toFixed(0);
console.log(`image tagger, ${photos.length} labelled photos x ${rounds} rounds, one image at a time, alternating with bare CenterNet:`);
console.log(`  model load            ${loadSeconds.toFixed(2)} s wall, ${loadCpuSeconds.toFixed(2)} s CPU (goal < 10 s)`);
console.log(`  tagger                ${mean(taggerRates).toFixed(2)} images/s wall, ${mean(taggerPerCore).toFixed(2)} images per CPU-second (goal >= 2 per core); latency p50 ${pick(0.5)} ms, p95 ${pick(0.95)} ms`);
console.log(`  bare CenterNet pass   ${mean(bareRates).toFixed(2)} images/s wall, ${mean(barePerCore).toFixed(2)} images per CPU-second`);
console.log(`  tagger / bare         ${(mean(taggerRates) / mean(bareRates)).toFixed(2)} (wall), ${(mean(taggerPerCore) / mean(barePerCore)).toFixed(2)} (CPU)`);
await tagger.close();
