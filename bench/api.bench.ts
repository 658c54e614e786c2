/**
 * API reads of the all-in-one gateway (embedded defaults) against Fastify returning the very
 * same JSON, and against a bare tRPC standalone server whose procedure returns that JSON
 * (what the adapter alone costs), in alternating rounds of wrk at 32 connections:
 * `feed.latest {limit:1}` and `feed.image {imageId}`. Prints req/s, p99, ratios and the
 * machine's load average per round, then the medians against the goals.
 *
 *   npx tsx bench/api.bench.ts [rounds=3] [seconds=4]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, signUp, uploadFile } from '@glimpse/api-client';
import { loadConfig } from '@glimpse/config';
import { silentLogger } from '@glimpse/logging';
import { solid } from '@glimpse/test-fixtures';
import { startGateway } from '../apps/gateway/src/gateway';
import { freePort, loadAverage, median, requireTool, runWrk, type LoadResult } from './lib/load';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 4);
const CONNECTIONS = 32;
const GOALS: Record<string, number> = { latest: 0.3, image: 0.25 };
const P99_GOAL_MS = 20;

requireTool('wrk', 'apt-get install -y wrk');
const workDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-api-'));
const gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: join(workDir, 'data'), PORT: '0', LOG_LEVEL: 'silent', TAGGER_ENABLED: 'false' }), { logger: silentLogger });
const peers: Array<{ stop: () => void }> = [];

/** A peer server in a process of its own, answering `bodies` (path → JSON text). */
async function startPeer(kind: 'fastify' | 'trpc', bodies: Record<string, string>) {
  const port = await freePort();
  const bodiesFile = join(workDir, `${kind}-bodies.json`);
  writeFileSync(bodiesFile, JSON.stringify(bodies));
  const source =
    kind === 'fastify'
      ? `import Fastify from 'fastify'; import { readFileSync } from 'node:fs';
const bodies = JSON.parse(readFileSync(${JSON.stringify(bodiesFile)}, 'utf8'));
const app = Fastify({ logger: false });
for (const [path, body] of Object.entries(bodies)) app.get(path, (request, reply) => { reply.header('content-type', 'application/json'); return body; });
await app.listen({ port: ${port}, host: '127.0.0.1' }); console.log('ready');`
      : `import { initTRPC } from '@trpc/server'; import { createHTTPServer } from '@trpc/server/adapters/standalone'; import { readFileSync } from 'node:fs';
const bodies = JSON.parse(readFileSync(${JSON.stringify(bodiesFile)}, 'utf8'));
const t = initTRPC.create();
const results = Object.fromEntries(Object.entries(bodies).map(([path, body]) => [path.split('/').pop(), JSON.parse(body).result.data]));
const router = t.router(Object.fromEntries(Object.entries(results).map(([name, data]) => [name, t.procedure.query(() => data)])));
createHTTPServer({ router, basePath: '/api/feed/', allowBatching: false }).listen(${port}, '127.0.0.1', () => console.log('ready'));`;
  const file = join(process.cwd(), 'bench', `.peer-${kind}-${process.pid}.mjs`);
  writeFileSync(file, source);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${kind} peer exited ${code}`)));
  });
  rmSync(file);
  peers.push({ stop: () => child.kill() });
  return `http://127.0.0.1:${port}`;
}

try {
  const user = await signUp(gateway.url, `bench_api_${Date.now() % 100000}`);
  const upload = await uploadFile(gateway.url, user.accessToken, await solid(1200, 800, '#4080c0').jpeg().toBuffer(), { filename: 'bench.jpg', title: 'bench' });
  if (!upload.result) throw new Error(`upload refused: ${upload.error?.message}`);
  const imageId = upload.result.data.imageId;
  if ((await settle(user, imageId, 60_000)).status !== 'ready') throw new Error('the bench image did not become ready');

  const calls = {
    latest: `/api/feed/latest?input=${encodeURIComponent(JSON.stringify({ limit: 1 }))}`,
    image: `/api/feed/image?input=${encodeURIComponent(JSON.stringify({ imageId }))}`,
  };
  // The very JSON Glimpse answers (anonymous), served by the peers under the same paths.
  const bodies: Record<string, string> = {};
  for (const path of Object.values(calls)) {
    const response = await fetch(`${gateway.url}${path}`);
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
    bodies[path.split('?')[0]!] = await response.text();
  }
  const fastify = await startPeer('fastify', bodies);
  const trpc = await startPeer('trpc', bodies);
  for (const [name, path] of Object.entries(calls)) {
    for (const base of [fastify, trpc]) {
      const text = await (await fetch(`${base}${path}`)).text();
      if (text !== bodies[path.split('?')[0]!]) throw new Error(`${base} answers ${name} differently:\n${text}\nvs\n${bodies[path.split('?')[0]!]}`);
    }
  }

  type Row = { call: string; glimpse: LoadResult; fastify: LoadResult; trpc: LoadResult };
  const rows: Row[] = [];
  console.log(`API reads: wrk -t1 -c${CONNECTIONS} -d${seconds}s, ${rounds} alternating rounds, load average at start ${loadAverage()}`);
  console.log('round  call     glimpse req/s  p99 ms | fastify req/s  p99 ms | ratio | bare tRPC req/s  p99 ms ratio | load average');
  for (let round = 1; round <= rounds; round++) {
    for (const [call, path] of Object.entries(calls)) {
      const runs = [
        ['glimpse', () => runWrk(`${gateway.url}${path}`, { connections: CONNECTIONS, seconds })],
        ['fastify', () => runWrk(`${fastify}${path}`, { connections: CONNECTIONS, seconds })],
        ['trpc', () => runWrk(`${trpc}${path}`, { connections: CONNECTIONS, seconds })],
      ] as const;
      const results: Partial<Record<'glimpse' | 'fastify' | 'trpc', LoadResult>> = {};
      for (const [name, run] of round % 2 ? runs : [...runs].reverse()) results[name] = await run();
      const row = { call, ...(results as Record<'glimpse' | 'fastify' | 'trpc', LoadResult>) };
      rows.push(row);
      const errors = row.glimpse.errors || row.fastify.errors || row.trpc.errors ? `  ERRORS glimpse ${row.glimpse.errors} fastify ${row.fastify.errors} trpc ${row.trpc.errors}` : '';
      console.log(
        `${String(round).padEnd(6)} ${call.padEnd(7)} ${row.glimpse.requestsPerSecond.toFixed(0).padStart(14)} ${row.glimpse.p99Ms.toFixed(2).padStart(7)} | ${row.fastify.requestsPerSecond.toFixed(0).padStart(13)} ${row.fastify.p99Ms.toFixed(2).padStart(7)} | ${(row.glimpse.requestsPerSecond / row.fastify.requestsPerSecond).toFixed(3)} | ${row.trpc.requestsPerSecond.toFixed(0).padStart(15)} ${row.trpc.p99Ms.toFixed(2).padStart(7)} ${(row.trpc.requestsPerSecond / row.fastify.requestsPerSecond).toFixed(3)} | ${loadAverage()}${errors}`,
      );
    }
  }
  console.log('\nmedians over rounds (ratios to Fastify in the same round):');
  for (const call of Object.keys(calls)) {
    const selected = rows.filter((row) => row.call === call);
    const ratio = median(selected.map((row) => row.glimpse.requestsPerSecond / row.fastify.requestsPerSecond));
    const p99 = median(selected.map((row) => row.glimpse.p99Ms));
    const met = ratio >= GOALS[call]! && p99 <= P99_GOAL_MS;
    console.log(
      `  feed.${call}: glimpse ${median(selected.map((r) => r.glimpse.requestsPerSecond)).toFixed(0)} req/s p99 ${p99.toFixed(2)} ms, Fastify ${median(selected.map((r) => r.fastify.requestsPerSecond)).toFixed(0)} req/s, ratio ${ratio.toFixed(3)} (goal ≥ ${GOALS[call]}, p99 ≤ ${P99_GOAL_MS} ms): ${met ? 'met' : 'NOT met'}; bare tRPC standalone ${median(selected.map((r) => r.trpc.requestsPerSecond)).toFixed(0)} req/s, ratio ${median(selected.map((r) => r.trpc.requestsPerSecond / r.fastify.requestsPerSecond)).toFixed(3)}`,
    );
  }
  console.log(`load average at end ${loadAverage()}`);
} finally {
  for (const peer of peers) peer.stop();
  await gateway.close();
  rmSync(workDir, { recursive: true, force: true });
}
