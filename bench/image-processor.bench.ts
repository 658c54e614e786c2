/**
 * Image-processor throughput: the worker's whole path (dequeue, read original, process,
 * write variants, commit, ack) against a bare sharp script producing the same outputs
 * from the same inputs, in one run, at the same concurrency. Prints both and the ratio.
 *
 *   npx tsx bench/image-processor.bench.ts [images=8] [rounds=2]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@glimpse/config';
import { createProcessImageHandler } from '@glimpse/image-jobs';
import { QUEUES } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { openInfrastructure } from '@glimpse/platform';
import { bareSharpProcess } from './lib/bare-sharp';
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
const results = { bare: [] as number[], worker: [] as number[] };
for (let round = 1; round <= rounds; round++) {
  results.bare.push(await bare());
  results.worker.push(await worker());
  console.log(`round ${round}: bare sharp ${results.bare.at(-1)!.toFixed(2)} img/s, worker path ${results.worker.at(-1)!.toFixed(2)} img/s`);
}
const best = (values: number[]) => Math.max(...values);
const ratio = best(results.worker) / best(results.bare);
console.log(`\nimage-processor, ${imageCount} x 12 MP JPEG, concurrency ${concurrency}, best of ${rounds}:`);
console.log(`  bare sharp script : ${best(results.bare).toFixed(2)} images/s`);
console.log(`  worker whole path : ${best(results.worker).toFixed(2)} images/s (dequeue, read, process, write 6 variants, commit, ack)`);
console.log(`  ratio worker/bare : ${ratio.toFixed(2)} (goal >= 0.9)`);

await infra.close();
rmSync(dataDir, { recursive: true, force: true });
