/**
 * Bulk import against plain uploads of the same files, and export throughput, on the
 * all-in-one (`npm start`) running as its own process so its resident memory can be read.
 * Rounds alternate which peer goes first; each round uses fresh accounts (duplicates are per
 * owner, so the same files are new to each). Prints images/s, the ratio import/uploads,
 * export MB/s and the server's peak RSS in each phase.
 *
 *   npm run bench:import                  (optional args: [images=24] [rounds=3] [megapixels=2] [upload concurrency=4])
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importFiles, settle, settleImport, signUp, uploadFile, type Session } from '@glimpse/api-client';
import { zipOf } from '@glimpse/test-fixtures';
import { loadAverage } from './lib/load';
import { makePhotoLikeJpeg } from './lib/photos';

const images = Number(process.argv[2] ?? 24);
const rounds = Number(process.argv[3] ?? 3);
const megapixels = Number(process.argv[4] ?? 2);
const concurrency = Number(process.argv[5] ?? 4);

const main = fileURLToPath(new URL('../apps/gateway/src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-bench-import-'));

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false', UPLOAD_BURST: '100000', UPLOADS_PER_MINUTE: '100000', UPLOADS_PER_HOUR: '100000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1]! });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
  });
}

/** The server's resident set size now, in MB (Linux /proc). */
const rssOf = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

/** Runs `work` while sampling the server's RSS every 50 ms; returns its result, the seconds it took and the peak. */
async function measured<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; seconds: number; peakRssMb: number }> {
  let peak = rssOf(pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
  const started = performance.now();
  try {
    const result = await work();
    return { result, seconds: (performance.now() - started) / 1000, peakRssMb: Math.max(peak, rssOf(pid)) };
  } finally {
    clearInterval(sampler);
  }
}

async function viaImport(url: string, user: Session, zip: Buffer, expected = images) {
  const started = await importFiles(url, user.accessToken, [{ name: 'library.zip', data: zip }]);
  if (!started.result) throw new Error(`import refused: ${started.error?.message}`);
  const state = await settleImport(user, started.result.data.importId, 1_800_000);
  if (state.done !== expected) throw new Error(`import: ${state.done} of ${expected} ready (${state.items.find((item) => item.reason)?.reason})`);
}

async function viaUploads(url: string, user: Session, files: Buffer[]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < files.length) {
        const index = next++;
        const result = await uploadFile(url, user.accessToken, files[index]!, { filename: `photo-${index}.jpg` });
        if (!result.result) throw new Error(`upload ${index} refused: ${result.error?.message}`);
        const state = await settle(user, result.result.data.imageId, 1_800_000);
        if (state.status !== 'ready') throw new Error(`upload ${index} ${state.status}: ${state.failureReason}`);
      }
    }),
  );
}

async function viaExport(url: string, user: Session) {
  const { exportId } = await user.upload.exports.create.mutate({});
  for (;;) {
    const state = await user.upload.exports.status.query({ exportId });
    if (state.status === 'ready') return state;
    if (state.status === 'failed') throw new Error(`export failed: ${state.error}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const width = Math.round(Math.sqrt((megapixels * 1e6 * 4) / 3));
const height = Math.round((width * 3) / 4);
console.log(`import vs uploads: ${images} JPEGs of ${width}x${height}, ${rounds} rounds, uploads ${concurrency} at a time, tagging off; load ${loadAverage()}`);
const files = await Promise.all(Array.from({ length: images }, (_, i) => makePhotoLikeJpeg(width, height, 1000 + i)));
const zip = await zipOf(files.map((data, i) => ({ name: `library/${String(i).padStart(3, '0')}.jpg`, data, compress: false })));
const totalMb = files.reduce((sum, file) => sum + file.length, 0) / 1024 / 1024;
console.log(`  ${totalMb.toFixed(1)} MB of originals; the zip ${(zip.length / 1024 / 1024).toFixed(1)} MB`);

const server = await startServer();
const pid = server.child.pid!;
await new Promise((resolve) => setTimeout(resolve, 2000));
console.log(`  server RSS at rest: ${rssOf(pid).toFixed(0)} MB`);
// Warm-up, not counted: the first images through a fresh process pay for loading sharp and the first queries.
const warm = await signUp(server.url, `warmup${Date.now() % 10000}`);
await viaImport(server.url, warm, await zipOf(files.slice(0, 2).map((data, i) => ({ name: `${i}.jpg`, data }))), 2);
await viaUploads(server.url, warm, files.slice(2, 4));
const rows: Array<{ round: number; importRate: number; uploadRate: number; exportMbPerS: number; importRss: number; uploadRss: number; exportRss: number }> = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const importer = await signUp(server.url, `importer${round}x${Date.now() % 10000}`);
    const uploader = await signUp(server.url, `uploader${round}x${Date.now() % 10000}`);
    const runImport = () => measured(pid, () => viaImport(server.url, importer, zip));
    const runUploads = () => measured(pid, () => viaUploads(server.url, uploader, files));
    // Alternate who goes first, so neither always meets a warmer (or a busier) machine.
    const [imported, uploaded] = round % 2 === 1 ? [await runImport(), await runUploads()] : await (async () => {
      const u = await runUploads();
      return [await runImport(), u] as const;
    })();
    const exported = await measured(pid, () => viaExport(server.url, importer));
    const row = {
      round,
      importRate: images / imported.seconds,
      uploadRate: images / uploaded.seconds,
      exportMbPerS: exported.result.bytes / 1024 / 1024 / exported.seconds,
      importRss: imported.peakRssMb,
      uploadRss: uploaded.peakRssMb,
      exportRss: exported.peakRssMb,
    };
    rows.push(row);
    console.log(
      `  round ${round}: import ${row.importRate.toFixed(2)} images/s, uploads ${row.uploadRate.toFixed(2)} images/s (ratio ${(row.importRate / row.uploadRate).toFixed(2)}); ` +
        `export ${(exported.result.bytes / 1024 / 1024).toFixed(1)} MB in ${exported.seconds.toFixed(2)} s = ${row.exportMbPerS.toFixed(1)} MB/s; ` +
        `peak RSS import ${row.importRss.toFixed(0)} MB, uploads ${row.uploadRss.toFixed(0)} MB, export ${row.exportRss.toFixed(0)} MB; load ${loadAverage()}`,
    );
  }
} finally {
  server.child.kill('SIGTERM');
  await new Promise((resolve) => server.child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const importRate = median(rows.map((row) => row.importRate));
const uploadRate = median(rows.map((row) => row.uploadRate));
console.log(
  `median of ${rounds}: import ${importRate.toFixed(2)} images/s against uploads ${uploadRate.toFixed(2)} images/s — ratio ${median(rows.map((row) => row.importRate / row.uploadRate)).toFixed(2)}; ` +
    `export ${median(rows.map((row) => row.exportMbPerS)).toFixed(1)} MB/s; peak RSS import ${Math.max(...rows.map((row) => row.importRss)).toFixed(0)} MB, ` +
    `uploads ${Math.max(...rows.map((row) => row.uploadRss)).toFixed(0)} MB, export ${Math.max(...rows.map((row) => row.exportRss)).toFixed(0)} MB`,
);
