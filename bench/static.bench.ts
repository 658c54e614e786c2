/**
 * `GET /static/image/{id}/{variant}.{ext}` of the all-in-one gateway (embedded defaults:
 * PGlite, files on disk) against nginx serving the very same variant file, 200s and 304s,
 * in alternating rounds of wrk at 32 connections. Prints req/s, p99, the ratio to nginx and
 * the machine's load average for every round, then the medians against the goals.
 *
 *   npx tsx bench/static.bench.ts [rounds=3] [seconds=5] [nginxWorkers=1]
 *
 * Beside them, "node floor": a bare node:http server answering the same bytes from memory
 * with no checks at all, the most any handler in one Node process can reach here.
 *
 * nginx runs with one worker by default: the static service is one Node process (one event
 * loop) and scales by replicas, so one nginx worker is the like-for-like peer; pass 2 to see
 * nginx on both cores. Needs wrk and nginx (Debian: apt-get install -y wrk nginx).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settle, signUp, uploadFile } from '@glimpse/api-client';
import { loadConfig } from '@glimpse/config';
import { silentLogger } from '@glimpse/logging';
import { startGateway } from '../apps/gateway/src/gateway';
import { loadAverage, median, requireTool, runWrk, startBareNode, startNginx, type LoadResult } from './lib/load';
import { makePhotoLikeJpeg } from './lib/photos';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 5);
const nginxWorkers = Number(process.argv[4] ?? 1);
const CONNECTIONS = 32;
const GOALS = { ok: 0.5, notModified: 0.7, p99Ms: 10 };

requireTool('wrk', 'apt-get install -y wrk');
const workDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-static-'));
const dataDir = join(workDir, 'data');
const gateway = await startGateway(loadConfig({}, { GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', TAGGER_ENABLED: 'false' }), { logger: silentLogger });
const nginxRoot = join(workDir, 'nginx-root');
let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
let bare: Awaited<ReturnType<typeof startBareNode>> | undefined;

try {
  const user = await signUp(gateway.url, `bench_static_${Date.now() % 100000}`);
  const upload = await uploadFile(gateway.url, user.accessToken, await makePhotoLikeJpeg(4000, 3000, 7), { filename: 'bench.jpg', visibility: 'public' });
  if (!upload.result) throw new Error(`upload refused: ${upload.error?.message}`);
  const state = await settle(user, upload.result.data.imageId, 120_000);
  if (state.status !== 'ready') throw new Error(`image ${state.status}: ${state.failureReason}`);

  mkdirSync(nginxRoot, { recursive: true });
  const targets = (['medium', 'large'] as const).map((name) => {
    const variant = state.variants.find((v) => v.name === name && v.format === 'webp')!;
    return { name, url: `${gateway.url}${variant.url}`, copy: join(nginxRoot, `${name}.webp`), bytes: 0, etag: '' };
  });
  nginx = await startNginx(nginxRoot, workDir, { workers: nginxWorkers });
  for (const target of targets) {
    const response = await fetch(target.url);
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${target.url} answered ${response.status}`);
    // The very bytes Glimpse serves, as a file for nginx.
    writeFileSync(target.copy, body);
    target.bytes = body.length;
    target.etag = response.headers.get('etag')!;
  }

  bare = await startBareNode(targets.map((t) => ({ path: `/${t.name}.webp`, file: t.copy, etag: t.etag })));
  type Row = { target: string; kind: '200' | '304'; glimpse: LoadResult; nginx: LoadResult; bare: LoadResult; load: string };
  const rows: Row[] = [];
  console.log(`static images: wrk -t1 -c${CONNECTIONS} -d${seconds}s, ${rounds} alternating rounds, nginx ${nginxWorkers} worker(s), load average at start ${loadAverage()}`);
  console.log('round  variant           kind  glimpse req/s  p99 ms | nginx req/s  p99 ms | ratio  | node floor req/s ratio | load average');
  for (let round = 1; round <= rounds; round++) {
    for (const target of targets) {
      const nginxUrl = `http://127.0.0.1:${nginx.port}/${target.name}.webp`;
      const nginxEtag = (await fetch(nginxUrl)).headers.get('etag')!;
      for (const kind of ['200', '304'] as const) {
        // Alternate the order, so that no server always runs on a cooler machine.
        const conditional = (etag: string): Record<string, string> => (kind === '304' ? { 'If-None-Match': etag } : {});
        const runs = [
          ['glimpse', () => runWrk(target.url, { connections: CONNECTIONS, seconds, headers: conditional(target.etag) })],
          ['nginx', () => runWrk(nginxUrl, { connections: CONNECTIONS, seconds, headers: conditional(nginxEtag) })],
          ['bare', () => runWrk(`http://127.0.0.1:${bare!.port}/${target.name}.webp`, { connections: CONNECTIONS, seconds, headers: conditional(target.etag) })],
        ] as const;
        const results: Partial<Record<'glimpse' | 'nginx' | 'bare', LoadResult>> = {};
        for (const [name, run] of round % 2 ? runs : [...runs].reverse()) results[name] = await run();
        const { glimpse, nginx: peer, bare: floor } = results as Record<'glimpse' | 'nginx' | 'bare', LoadResult>;
        const load = loadAverage();
        rows.push({ target: target.name, kind, glimpse, nginx: peer, bare: floor, load });
        const label = `${target.name}.webp ${Math.round(target.bytes / 1024)} KB`.padEnd(17);
        const errors = glimpse.errors || peer.errors || floor.errors ? `  ERRORS glimpse ${glimpse.errors} nginx ${peer.errors} floor ${floor.errors}` : '';
        console.log(
          `${String(round).padEnd(6)} ${label} ${kind}   ${glimpse.requestsPerSecond.toFixed(0).padStart(12)} ${glimpse.p99Ms.toFixed(2).padStart(7)} | ${peer.requestsPerSecond.toFixed(0).padStart(11)} ${peer.p99Ms.toFixed(2).padStart(7)} | ${(glimpse.requestsPerSecond / peer.requestsPerSecond).toFixed(3).padStart(6)} | ${floor.requestsPerSecond.toFixed(0).padStart(16)} ${(glimpse.requestsPerSecond / floor.requestsPerSecond).toFixed(3)} | ${load}${errors}`,
        );
      }
    }
  }
  console.log('\nmedians over rounds (ratio = glimpse req/s / nginx req/s in the same round):');
  let allMet = true;
  for (const target of targets) {
    for (const kind of ['200', '304'] as const) {
      const selected = rows.filter((row) => row.target === target.name && row.kind === kind);
      const ratio = median(selected.map((row) => row.glimpse.requestsPerSecond / row.nginx.requestsPerSecond));
      const p99 = median(selected.map((row) => row.glimpse.p99Ms));
      const goal = kind === '200' ? GOALS.ok : GOALS.notModified;
      const met = ratio >= goal && p99 <= GOALS.p99Ms && selected.every((row) => row.glimpse.errors === 0);
      allMet &&= met;
      console.log(
        `  ${target.name}.webp ${kind}: glimpse ${median(selected.map((r) => r.glimpse.requestsPerSecond)).toFixed(0)} req/s p99 ${p99.toFixed(2)} ms, nginx ${median(selected.map((r) => r.nginx.requestsPerSecond)).toFixed(0)} req/s p99 ${median(selected.map((r) => r.nginx.p99Ms)).toFixed(2)} ms, ratio ${ratio.toFixed(3)} (goal ≥ ${goal}, p99 ≤ ${GOALS.p99Ms} ms): ${met ? 'met' : 'NOT met'}; node floor ${median(selected.map((r) => r.bare.requestsPerSecond)).toFixed(0)} req/s (nginx ratio ${median(selected.map((r) => r.bare.requestsPerSecond / r.nginx.requestsPerSecond)).toFixed(3)}), glimpse/floor ${median(selected.map((r) => r.glimpse.requestsPerSecond / r.bare.requestsPerSecond)).toFixed(3)}`,
      );
    }
  }
  console.log(`load average at end ${loadAverage()}; goals ${allMet ? 'all met' : 'not all met'}`);
} finally {
  await nginx?.stop();
  await bare?.stop();
  await gateway.close();
  rmSync(workDir, { recursive: true, force: true });
}
