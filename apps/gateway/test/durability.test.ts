import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { noiseJpeg } from '@glimpse/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestGateway } from './harness';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'glimpse-durable-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** `npm start` as a real process, so stopping it is a real SIGTERM (or SIGKILL). */
function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  // `node --import tsx` runs the gateway in this very process, so the signal reaches it.
  const child = spawn(process.execPath, ['--import', 'tsx', main], { env: { ...process.env, GLIMPSE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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

const stopped = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('durability of the all-in-one', () => {
  it('finishes work that was queued when it stopped, and every image becomes ready exactly once', async () => {
    // One slow worker slot, so most uploads are still queued when the process stops.
    const first = await startProcess({ WORKER_CONCURRENCY: '1' });
    const session = await (await fetch(`${first.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'keeper@example.com', username: 'keeper', password: 'correct horse battery' }),
    })).json() as { result: { data: { accessToken: string; refreshToken: string } } };
    const token = session.result.data.accessToken;

    const imageIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const form = new FormData();
      form.set('file', new Blob([new Uint8Array(await noiseJpeg(1200, 900))]), `burst-${i}.jpg`);
      const response = await fetch(`${first.url}/api/upload/create`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(response.status).toBe(200);
      imageIds.push(((await response.json()) as { result: { data: { imageId: string } } }).result.data.imageId);
    }
    const exit = stopped(first.child);
    first.child.kill('SIGTERM');
    expect(await exit).toBe(0);

    // Restart on the same data directory (in-process this time, to inspect the database).
    const second = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir });
    try {
      const [{ count: notReadyBefore }] = (await second.gateway.infra.db.query<{ count: number }>(
        `SELECT count(*) AS count FROM images WHERE status <> 'ready'`,
      )) as [{ count: number }];
      expect(notReadyBefore, 'the stop left no queued work, so this test proves nothing').toBeGreaterThan(0);

      const owner = second.signedIn(token);
      for (const imageId of imageIds) expect((await second.settle(owner, imageId, 60_000)).status).toBe('ready');
      const events = await second.gateway.infra.db.query<{ image_id: string; count: number }>(
        `SELECT image_id, count(*) AS count FROM image_events WHERE kind = 'ready' GROUP BY image_id`,
      );
      expect(events).toHaveLength(imageIds.length);
      for (const row of events) expect(row.count, `image ${row.image_id} became ready ${row.count} times`).toBe(1);
      // Every job the restart found, and the index jobs processing queued, leaves the outbox.
      const drainedBy = Date.now() + 15_000;
      while ((await second.gateway.infra.db.query('SELECT 1 FROM outbox')).length > 0 && Date.now() < drainedBy) await new Promise((r) => setTimeout(r, 100));
      expect(await second.gateway.infra.db.query('SELECT 1 FROM outbox')).toEqual([]);
    } finally {
      await second.stop({ keepData: true });
    }
  }, 240_000);

  it('keeps accounts, images and sessions across a restart', async () => {
    const first = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir });
    const { user, refreshToken } = await first.anonymous().auth.login.mutate({ login: 'keeper', password: 'correct horse battery' });
    await first.stop({ keepData: true });
    const second = await startTestGateway({ GLIMPSE_DATA_DIR: dataDir });
    try {
      const refreshed = await second.anonymous().auth.refresh.mutate({ refreshToken: refreshToken! });
      expect(refreshed.user.id).toBe(user.id);
      expect((await second.signedIn(refreshed.accessToken).feed.user.query({ username: 'keeper' })).items).toHaveLength(12);
    } finally {
      await second.stop({ keepData: true });
    }
  });
});
