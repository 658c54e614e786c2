import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { apiClients, importFiles, settleImport } from '@glimpse/api-client';
import { zipOf } from '@glimpse/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway } from './harness';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-import-resume-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start` as a real process, so it can be stopped for real (SIGTERM) or killed (SIGKILL). */
function startProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', TAGGER_ENABLED: 'false', WORKER_CONCURRENCY: '1' },
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
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`)));
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** Entries read so far (accepted, refused or duplicates): what a restart must not do again. */
async function settledEntries(url: string, token: string, importId: string) {
  const state = await apiClients(url, token).upload.imports.status.query({ importId });
  return state.items.filter((item) => item.status !== 'waiting').length;
}

async function waitForSettled(url: string, token: string, importId: string, atLeast: number) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const settled = await settledEntries(url, token, importId);
    if (settled >= atLeast) return settled;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${atLeast} entries settled within a minute`);
}

describe('an interrupted import', () => {
  it('resumes after a graceful stop and after the worker is killed, and makes every image exactly once', async () => {
    const total = 60;
    const entries = [];
    for (let i = 0; i < total; i++) {
      const data = await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: i * 4, g: 255 - i * 4, b: 128 }, noise: { type: 'gaussian', mean: 90, sigma: 40 } } }).jpeg().toBuffer();
      entries.push({ name: `album/${String(i).padStart(2, '0')}.jpg`, data });
    }
    const zip = await zipOf(entries);

    const first = await startProcess();
    const signup = await apiClients(first.url).auth.signup.mutate({ email: 'mover@example.com', username: 'mover', password: 'correct horse battery' });
    const token = signup.accessToken;
    const started = await importFiles(first.url, token, [{ name: 'library.zip', data: zip }]);
    expect(started.status, started.error?.message).toBe(200);
    const importId = started.result!.data.importId;

    // Killed mid-import: no chance to finish the entry in hand or to queue anything.
    await waitForSettled(first.url, token, importId, 8);
    const killed = exited(first.child);
    first.child.kill('SIGKILL');
    await killed;

    // Started again: the redelivered job goes on; then a graceful stop lets go between entries.
    const second = await startProcess();
    const beforeStop = await waitForSettled(second.url, token, importId, 20);
    const stopped = exited(second.child);
    second.child.kill('SIGTERM');
    expect(await stopped).toBe(0);

    const third = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir, WORKER_CONCURRENCY: '1' });
    try {
      const owner = third.signedIn(token);
      const afterStop = await settledEntries(third.url, token, importId);
      expect(beforeStop, 'the interruptions left no work, so this test proves nothing').toBeLessThan(total);
      expect(afterStop, 'the graceful stop left no work, so this test proves nothing').toBeLessThan(total);

      const state = await settleImport(owner, importId, 180_000);
      expect(state).toMatchObject({ status: 'done', total, done: total, failed: 0 });
      const imageIds = state.items.map((item) => item.imageId);
      expect(new Set(imageIds).size).toBe(total);

      const db = third.gateway.infra.db;
      const [{ images, hashes }] = (await db.query<{ images: number; hashes: number }>(
        `SELECT count(*)::INT AS images, count(DISTINCT content_hash)::INT AS hashes FROM images i JOIN users u ON u.id = i.owner_id WHERE u.username = 'mover'`,
      )) as [{ images: number; hashes: number }];
      expect({ images, hashes }).toEqual({ images: total, hashes: total });
      const uploaded = await db.query<{ image_id: string; count: number }>(
        `SELECT image_id, count(*)::INT AS count FROM image_events WHERE kind = 'uploaded' AND image_id = ANY($1::uuid[]) GROUP BY image_id`,
        [imageIds],
      );
      expect(uploaded).toHaveLength(total);
      for (const row of uploaded) expect(row.count, `image ${row.image_id} was made ${row.count} times`).toBe(1);
      // The zip itself is gone from storage once the import is done.
      const leftovers = [];
      for await (const object of third.gateway.infra.storage.listObjects(third.gateway.infra.buckets.unprocessed, `imports/${importId}/`)) leftovers.push(object.key);
      expect(leftovers).toEqual([]);
    } finally {
      await third.stop({ keepData: true });
    }
  }, 300_000);
});
