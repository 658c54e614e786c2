/**
 * Image-processor throughput: the worker's whole path (dequeue, read original, process,
 * write variants, commit, ack) against, in one run, at the same concurrency, on the same inputs:
 * - "naive sharp": a pipeline per output from the original bytes (decodes each original 9 times);
 * - "best sharp": decode once with shrink-on-load, derive each smaller size in memory
 *   (bench/lib/best-sharp.ts), the goal's baseline (worker ≥ 0.9× of it);
 * - vipsthumbnail (Debian's libvips-tools): one process per output, shrink-on-load, the six
 *   variants only (no placeholder, colour or hash): as close to the limit as these outputs get.
 * Prints images/s for each, the ratios, and the machine's load average per round.
 *
 *   npx tsx bench/image-processor.bench.ts [images=8] [rounds=2]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { loadConfig } from '@glimpse/config';
import { createProcessImageHandler } from '@glimpse/image-jobs';
import { QUEUES } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { openInfrastructure } from '@glimpse/platform';
import { bareSharpProcess } from './lib/bare-sharp';
import { bestSharpProcess } from './lib/best-sharp';
import { requireTool } from './lib/load';
import { makePhotoLikeJpeg } from './lib/photos';

const imageCount = Number(process.argv[2] ?? 8);
const rounds = Number(process.argv[3] ?? 2);
const concurrency = 2;

const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-'));
const config = loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, WORKER_CONCURRENCY: String(concurrency) });
const infra = await openInfrastructure(config, silentLogger, { migrate: true });
const { db, storage, queue, buckets } = infra;

process.stdout.write(`generating ${imageCount} photo-like 12 MP JPEGs `);
const originals: Buffer[] = [];
for (let i = 0; i < imageCount; i++) {
  originals.push(await makePhotoLikeJpeg(4000, 3000, i + 1));
  process.stdout.write('.');
}
console.log(` ${(originals.reduce((n, b) => n + b.length, 0) / imageCount / 1e6).toFixed(1)} MB each`);

const [owner] = await db.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('bench@example.com', 'bench', 'x') RETURNING id`);

/** Runs `work` over every original with `concurrency` at once; returns images per second. */
async function throughput(work: (index: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < originals.length) await work(next++);
  }));
  return originals.length / ((performance.now() - started) / 1000);
}

async function bare(): Promise<number> {
  return throughput((i) => bareSharpProcess(originals[i]!));
}

async function bestSharp(): Promise<number> {
  return throughput((i) => bestSharpProcess(originals[i]!));
}

requireTool('vipsthumbnail', 'apt-get install -y libvips-tools');
const run = promisify(execFile);
const inputs = originals.map((original, i) => {
  const path = join(dataDir, `original-${i}.jpg`);
  writeFileSync(path, original);
  return path;
});
/** The same six outputs with vipsthumbnail: auto-rotated, shrunk on load, WebP q80 and progressive JPEG q82. */
async function vipsthumbnail(): Promise<number> {
  return throughput(async (i) => {
    for (const [name, edge] of [['large', 2560], ['medium', 1280], ['thumb', 480]] as const) {
      for (const output of [`${name}-${i}.webp[Q=80,strip]`, `${name}-${i}.jpg[Q=82,interlace,strip]`]) {
        await run('vipsthumbnail', [inputs[i]!, '--size', `${edge}x${edge}>`, '-o', join(dataDir, output)]);
      }
    }
  });
}

/** The worker path: originals stored and rows committed first (that is the upload's job), then timed from publish to last ack. */
async function worker(): Promise<number> {
  const ids: string[] = [];
  for (const original of originals) {
    const id = randomUUID();
    await storage.putObject(buckets.unprocessed, `originals/${id}`, original, 'image/jpeg');
    await db.query(
      `INSERT INTO images (id, owner_id, visibility, status, original_key, original_mime, original_bytes) VALUES ($1, $2, 'public', 'pending', $3, 'image/jpeg', $4)`,
      [id, owner!.id, `originals/${id}`, original.length],
    );
    ids.push(id);
  }
  const handler = createProcessImageHandler({ db, storage, buckets, logger: silentLogger, maxPixels: config.UPLOAD_MAX_PIXELS, tagging: false });
  let acked = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  const consumer = queue.consume<{ imageId: string }>(QUEUES.processImages, async (job) => {
    await handler(job);
    if (++acked === ids.length) done();
  }, { concurrency, maxAttempts: 1 });
  for (const id of ids) await queue.publish(QUEUES.processImages, { imageId: id });
  await finished;
  const seconds = (performance.now() - started) / 1000;
  await consumer.stop();
  const [ready] = await db.query<{ count: number }>(`SELECT count(*) AS count FROM images WHERE id = ANY($1::uuid[]) AND status = 'ready'`, [ids]);
  if (ready!.count !== ids.length) throw new Error(`only ${ready!.count} of ${ids.length} images became ready`);
  return ids.length / seconds;
}

await bare(); // warm-up: first use of libvips codecs
await bestSharp();
const results = { bare: [] as number[], best: [] as number[], vips: [] as number[], worker: [] as number[] };
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');
for (let round = 1; round <= rounds; round++) {
  // Alternate the order, so that no contender always runs on a cooler machine.
  const contenders = [
    ['bare', bare],
    ['best', bestSharp],
    ['vips', vipsthumbnail],
    ['worker', worker],
  ] as const;
  for (const [name, measure] of round % 2 ? contenders : [...contenders].reverse()) results[name].push(await measure());
  console.log(
    `round ${round}: worker path ${results.worker.at(-1)!.toFixed(2)} img/s, best sharp ${results.best.at(-1)!.toFixed(2)}, naive sharp ${results.bare.at(-1)!.toFixed(2)}, vipsthumbnail ${results.vips.at(-1)!.toFixed(2)}; worker/best ${(results.worker.at(-1)! / results.best.at(-1)!).toFixed(2)}, worker/vipsthumbnail ${(results.worker.at(-1)! / results.vips.at(-1)!).toFixed(2)}; load average ${load()}`,
  );
}
const best = (values: number[]) => Math.max(...values);
console.log(`\nimage-processor, ${imageCount} x 12 MP JPEG, concurrency ${concurrency}, best of ${rounds}:`);
console.log(`  worker whole path  : ${best(results.worker).toFixed(2)} images/s (dequeue, read, process, write 6 variants, commit, ack)`);
console.log(`  best sharp script  : ${best(results.best).toFixed(2)} images/s (decode once, shrink on load, sizes derived in memory)`);
console.log(`  naive sharp script : ${best(results.bare).toFixed(2)} images/s (a pipeline per output)`);
console.log(`  vipsthumbnail      : ${best(results.vips).toFixed(2)} images/s (one process per output, the 6 variants only)`);
console.log(`  worker/best sharp  : ${(best(results.worker) / best(results.best)).toFixed(2)} (goal >= 0.9)`);
console.log(`  worker/vipsthumbnail: ${(best(results.worker) / best(results.vips)).toFixed(2)}; worker/naive sharp ${(best(results.worker) / best(results.bare)).toFixed(2)}`);
console.log(`  load average at end: ${load()}`);

await infra.close();
rmSync(dataDir, { recursive: true, force: true });
