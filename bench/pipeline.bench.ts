/**
 * Upload→ready latency for a burst of 12-megapixel JPEGs, in the all-in-one and (when the
 * stack's servers are up) in the production shape behind Traefik, plus raw queue throughput
 * of the in-process queue and RabbitMQ. Same inputs, same script, one run.
 *
 *   npm run bench:pipeline                 all-in-one and in-process queue only
 *   bash scripts/stack/with-servers.sh npx tsx bench/pipeline.bench.ts    both shapes
 *   (optional args: [images=100] [distinct=10] [concurrency=8])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, signUp, uploadFile } from '@glimpse/api-client';
import { loadConfig } from '@glimpse/config';
import { createInProcessQueue, createRabbitMqQueue, type JobQueue } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { startGateway } from '../apps/gateway/src/gateway';
import { startStack } from '../tests/stack/harness';
import { makePhotoLikeJpeg } from './lib/photos';

const total = Number(process.argv[2] ?? 100);
const distinct = Number(process.argv[3] ?? 10);
const concurrency = Number(process.argv[4] ?? 8);

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

async function burst(baseUrl: string, label: string, photos: Buffer[]) {
  const user = await signUp(baseUrl, `bench_${label.replace(/\W/g, "")}_${Date.now() % 100000}`);
  const latencies: number[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        const result = await uploadFile(baseUrl, user.accessToken, photos[index % photos.length]!, { filename: `bench-${index}.jpg` });
        if (!result.result) throw new Error(`upload ${index} refused: ${result.error?.message}`);
        const state = await settle(user, result.result.data.imageId, 600_000);
        if (state.status !== 'ready') throw new Error(`image ${index} ${state.status}: ${state.failureReason}`);
        latencies.push(performance.now() - t0);
        if (latencies.length % 10 === 0) process.stdout.write(`\r  ${label}: ${latencies.length}/${total} ready`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write('\n');
  return { p50: quantile(latencies, 0.5) / 1000, p95: quantile(latencies, 0.95) / 1000, throughput: total / seconds };
}

async function queueThroughput(queue: JobQueue, jobs = 5_000) {
  const name = `bench-${Date.now()}`;
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const started = performance.now();
  const consumer = queue.consume(name, async () => {
    if (++handled === jobs) done();
  }, { concurrency: 50, maxAttempts: 1 });
  await Promise.all(Array.from({ length: 20 }, async (_, worker) => {
    for (let i = worker; i < jobs; i += 20) await queue.publish(name, { i });
  }));
  await finished;
  const rate = jobs / ((performance.now() - started) / 1000);
  await consumer.stop();
  return rate;
}

process.stdout.write(`generating ${distinct} distinct 12 MP JPEGs `);
const photos: Buffer[] = [];
for (let i = 0; i < distinct; i++) {
  photos.push(await makePhotoLikeJpeg(4000, 3000, 100 + i));
  process.stdout.write('.');
}
console.log();

const results: Record<string, { p50: number; p95: number; throughput: number }> = {};
const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-aio-'));
const gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' }), { logger: silentLogger });
results['all-in-one'] = await burst(gateway.url, 'all-in-one', photos);
await gateway.close();
rmSync(dataDir, { recursive: true, force: true });

if (process.env.DATABASE_URL && process.env.AMQP_URL && process.env.S3_ENDPOINT) {
  const stack = await startStack({ env: { LOG_LEVEL: 'info' } });
  try {
    results['stack (Traefik, separate processes)'] = await burst(stack.url, 'stack', photos);
  } finally {
    await stack.stop();
  }
} else {
  console.log('  (stack skipped: run through scripts/stack/with-servers.sh to include it)');
}

const queues: Record<string, number> = {};
const inProcess = createInProcessQueue(mkdtempSync(join(tmpdir(), 'glimpse-bench-queue-')));
queues['in-process (durable files)'] = await queueThroughput(inProcess);
await inProcess.close();
if (process.env.AMQP_URL) {
  const rabbit = createRabbitMqQueue({ url: process.env.AMQP_URL });
  queues['RabbitMQ (confirms, persistent)'] = await queueThroughput(rabbit);
  await rabbit.close();
}

console.log(`\nupload→ready latency, burst of ${total} x 12 MP JPEG, ${concurrency} uploads at a time (2 cores):`);
for (const [shape, r] of Object.entries(results)) {
  console.log(`  ${shape.padEnd(38)} p50 ${r.p50.toFixed(1)} s   p95 ${r.p95.toFixed(1)} s   ${r.throughput.toFixed(2)} images/s`);
}
const [aio, stack] = [results['all-in-one'], results['stack (Traefik, separate processes)']];
if (aio && stack) console.log(`  ratio stack/all-in-one: p50 ${(stack.p50 / aio.p50).toFixed(2)}, throughput ${(stack.throughput / aio.throughput).toFixed(2)}`);
console.log('\nqueue throughput, 5000 empty jobs, publish with confirm -> consume -> ack:');
for (const [queue, rate] of Object.entries(queues)) console.log(`  ${queue.padEnd(38)} ${rate.toFixed(0)} jobs/s`);
