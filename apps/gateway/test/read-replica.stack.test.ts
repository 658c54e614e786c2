import { randomUUID } from 'node:crypto';
import { openPostgres, type Database } from '@glimpse/database';
import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type Session, type TestGateway } from './harness';

/**
 * DATABASE_READ_URL against a live PostgreSQL streaming replica (scripts/stack/postgres.sh).
 * Replay on the replica is paused to make its lag visible: anonymous reads come from the
 * replica (they do not see what the primary just wrote), a signed-in user reads their own
 * writes at once, and once replay resumes everyone sees it.
 */
const adminUrl = process.env.DATABASE_URL;
const replicaBase = process.env.DATABASE_REPLICA_URL;
if (!adminUrl || !replicaBase) throw new Error('DATABASE_URL and DATABASE_REPLICA_URL must be set: scripts/stack/with-servers.sh starts a primary and its streaming replica');

const withDatabase = (url: string, name: string) => Object.assign(new URL(url), { pathname: `/${name}` }).toString();

let glimpse: TestGateway;
let replicaAdmin: Database;
let alice: Session;

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

const latestIds = async (session?: Session) => ((await (session ? glimpse.signedIn(session.accessToken) : glimpse.anonymous()).feed.latest.query({ limit: 50 })).items).map((item) => item.id);

beforeAll(async () => {
  const name = `glimpse_replica_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = openPostgres({ url: adminUrl, poolSize: 1 });
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.close();
  // The new database reaches the replica through the WAL like everything else.
  replicaAdmin = openPostgres({ url: replicaBase, poolSize: 1, replica: true });
  await waitUntil(async () => (await replicaAdmin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length === 1, 'the replica to have the new database');
  glimpse = await startTestGateway({ DATABASE_URL: withDatabase(adminUrl, name), DATABASE_READ_URL: withDatabase(replicaBase, name) });
  alice = await glimpse.signUp('alice');
});

afterAll(async () => {
  await replicaAdmin?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
  await replicaAdmin?.close();
  await glimpse?.stop();
});

describe('reads from a streaming replica (DATABASE_READ_URL)', () => {
  it('serves anonymous reads from the replica, signed-in users their own writes from the primary, and everyone within a second of replay', async () => {
    const first = await glimpse.uploadOk(alice, await solid(60, 40, '#206080').png().toBuffer(), { title: 'before the pause' });
    expect((await glimpse.settle(alice, first)).status).toBe('ready');
    await waitUntil(async () => (await latestIds()).includes(first), 'the replica to show the first image to anonymous visitors');

    expect((await replicaAdmin.query<{ recovery: boolean }>('SELECT pg_is_in_recovery() AS recovery'))[0]!.recovery).toBe(true);
    await replicaAdmin.query('SELECT pg_wal_replay_pause()');
    const second = await glimpse.uploadOk(alice, await solid(60, 40, '#806020').png().toBuffer(), { title: 'while the replica lags' });
    const { variants } = await glimpse.settle(alice, second);

    // The owner, signed in, reads the primary: the new image is in every list at once.
    expect(await latestIds(alice)).toContain(second);
    const gallery = await glimpse.signedIn(alice.accessToken).feed.user.query({ username: 'alice', limit: 50 });
    expect(gallery.items.map((item) => item.id)).toEqual(expect.arrayContaining([first, second]));
    // Anonymous visitors read the replica, which has not replayed it yet…
    expect(await latestIds()).toEqual([first]);
    // …but a file the replica does not know as ready yet is asked of the primary, not a 404.
    const thumb = await glimpse.get(variants.find((v) => v.name === 'thumb' && v.format === 'webp')!.url);
    expect(thumb.status).toBe(200);

    await replicaAdmin.query('SELECT pg_wal_replay_resume()');
    const lagMs = await waitUntil(async () => (await latestIds()).includes(second), 'anonymous visitors to see the second image once replay resumes', 5_000);
    console.log(`figures: anonymous latest caught up ${lagMs} ms after replay resumed`);
    expect(lagMs).toBeLessThan(1_000);
  });
});
