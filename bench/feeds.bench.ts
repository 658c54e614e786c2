/**
 * Feed reads at the size issue 12 names (100,000 images, 10,000 users, 1,000,000 likes):
 * `latest`, `user`, `popular`, `forYou` and `similar`, called as the service calls them
 * (feedRouter.createCaller over createContextInner, the embedded recommender fed from the
 * database by reindexAll), for anonymous and signed-in viewers.
 *
 * Against the previous implementation in the same run: one child process holds a database
 * with the schema as it was before the feed indexes (migrations up to 0006) and the
 * procedures as they were (bench/previous/feed-router.ts); another holds the current schema
 * and procedures. Both seed the same rows (bench/lib/feed-corpus.ts). The parent asks them
 * for rounds in turn, alternating who goes first, so a busy machine slows both alike, and
 * prints p50/p99 per procedure with the ratio previous / current.
 *
 *   npm run bench:feeds                     embedded PGlite
 *   DATABASE_URL=postgres://… npm run bench:feeds
 *                                           PGlite, then PostgreSQL (two scratch databases
 *                                           are created beside DATABASE_URL's and dropped after)
 *   npm run bench:feeds -- --rounds 5 --calls 40 --only postgres
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { migrate, migrations, openPglite, openPostgres, type Database } from '@glimpse/database';
import { createContextInner, feedRouter } from '@glimpse/feed';
import { reindexAll } from '@glimpse/image-jobs';
import { createImageCatalogue, createUrlSigner, encodeCursor, encodeOffset } from '@glimpse/images';
import { silentLogger } from '@glimpse/logging';
import { createEmbeddedRecommender } from '@glimpse/recommender';
import pg from 'pg';
import { seedFeedCorpus, SIZES } from './lib/feed-corpus';
import { previousFeedRouter } from './previous/feed-router';

const GOAL_P99_MS = 20;
type Implementation = 'previous' | 'current';
type Engine = 'pglite' | 'postgres';
/** The schema the previous implementation ran on: everything before the feed indexes. */
const PREVIOUS_MIGRATIONS = migrations.filter((migration) => migration.id < '0007');

interface Round {
  /** case name → wall ms and CPU ms of each call. */
  wall: Record<string, number[]>;
  cpu: Record<string, number[]>;
}
type Message =
  | { kind: 'ready'; seededMs: Record<string, number>; reindexMs: number; rssMb: number }
  | { kind: 'round'; round: Round }
  | { kind: 'memory'; rssMb: number; heapMb: number; externalMb: number };

// ---------------------------------------------------------------- child: one implementation

async function serve(implementation: Implementation, url: string | undefined, callsPerCase: number) {
  // Seeding statements run long on a busy machine: no statement timeout here.
  const db = url ? openPostgres({ url, poolSize: 4, statementTimeoutMs: 0 }) : await openPglite();
  // Both start from the schema as it was, seeded alike; the current one then migrates, as an
  // existing installation upgrading would (indexes built and precomputed tables filled on
  // 100,000 images, which is what the migration's own figure below measures).
  await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
  for (const migration of PREVIOUS_MIGRATIONS) {
    for (const statement of migration.statements) await db.query(statement);
    await db.query('INSERT INTO schema_migrations (id) VALUES ($1)', [migration.id]);
  }
  const seededMs = await seedFeedCorpus(db);
  let started = performance.now();
  if (implementation === 'current') {
    await migrate(db);
    seededMs.migrate = Math.round(performance.now() - started);
  }
  // As autovacuum leaves a table at rest: statistics, and pages marked all-visible (index-only scans).
  await db.query('VACUUM ANALYZE');
  const recommender = createEmbeddedRecommender();
  started = performance.now();
  await reindexAll({ db, recommender });
  const reindexMs = Math.round(performance.now() - started);
  const cases = await workload(db, implementation, recommender);
  process.send?.({ kind: 'ready', seededMs, reindexMs, rssMb: process.memoryUsage().rss / 2 ** 20 } satisfies Message);

  process.on('message', async (request: { kind: 'round' | 'memory' | 'exit'; round?: number }) => {
    if (request.kind === 'exit') {
      await db.close();
      process.exit(0);
    }
    if (request.kind === 'memory') {
      const usage = process.memoryUsage();
      process.send?.({ kind: 'memory', rssMb: usage.rss / 2 ** 20, heapMb: usage.heapUsed / 2 ** 20, externalMb: (usage.external + usage.arrayBuffers) / 2 ** 20 } satisfies Message);
      return;
    }
    const round: Round = { wall: {}, cpu: {} };
    for (const [name, call] of cases) {
      round.wall[name] = [];
      round.cpu[name] = [];
      for (let i = 0; i < callsPerCase; i++) {
        const index = (request.round ?? 0) * callsPerCase + i;
        const cpu = process.cpuUsage();
        started = performance.now();
        await call(index);
        round.wall[name].push(performance.now() - started);
        const used = process.cpuUsage(cpu);
        round.cpu[name].push((used.user + used.system) / 1000);
      }
    }
    process.send?.({ kind: 'round', round } satisfies Message);
  });
}

/** The calls of each case, by call number: the same viewers, images and pages for both implementations. */
async function workload(db: Database, implementation: Implementation, recommender: ReturnType<typeof createEmbeddedRecommender>) {
  const catalogue = createImageCatalogue(createUrlSigner('bench-secret'));
  const deps = { db, catalogue, recommender, wakeRelay: () => {}, anonymousViews: { firstView: () => true } };
  const caller = (viewer: { id: string; username: string } | null) => {
    const context = createContextInner(deps, { viewer, requestId: 'bench', clientIp: '127.0.0.1', logger: silentLogger });
    return implementation === 'previous' ? previousFeedRouter.createCaller(context) : feedRouter.createCaller(context);
  };
  // Viewers: one call in four from the busiest people (who like and post the most), the rest spread over everyone.
  const users = await db.query<{ id: string; username: string }>(
    `SELECT id, username FROM users WHERE username = ANY($1::text[])`,
    [[...Array.from({ length: 400 }, (_, i) => i), ...Array.from({ length: 400 }, (_, i) => 10_000 + i)].map((i) => `user${i % 4 === 0 ? (i / 4) % 25 : (i * 7919) % SIZES.users}`)],
  );
  const byName = new Map(users.map((user) => [user.username, user]));
  const viewerOf = (i: number) => byName.get(`user${i % 4 === 0 ? (i / 4) % 25 : (i * 7919) % SIZES.users}`)!;
  // Places to page from and images to open, drawn the same in both databases (ids are seeded alike).
  const feedImages = await db.query<{ id: string; created_at: Date }>(
    `SELECT id, created_at FROM images WHERE status = 'ready' AND deleted_at IS NULL AND visibility = 'public' AND moderation = 'safe'
     ORDER BY md5(id::text) LIMIT 500`,
  );
  const at = <T>(list: readonly T[], i: number) => list[(i * 7919) % list.length]!;
  const deepCursor = (i: number) => {
    const image = at(feedImages, i);
    return encodeCursor({ createdAt: image.created_at.toISOString(), id: image.id });
  };
  const pageOffset = (i: number) => (i % 3 === 0 ? undefined : encodeOffset(24 * (i % 10)));
  const cases: Array<[string, (i: number) => Promise<unknown>]> = [
    ['latest · anonymous', (i) => caller(null).latest({ limit: 24, cursor: i % 2 ? deepCursor(i) : undefined })],
    ['latest · signed in', (i) => caller(viewerOf(i)).latest({ limit: 24, cursor: i % 2 ? deepCursor(i) : undefined })],
    ['user · anonymous', (i) => caller(null).user({ username: viewerOf(i + 1).username, limit: 24 })],
    ['user · own gallery', (i) => caller(viewerOf(i)).user({ username: viewerOf(i).username, limit: 24 })],
    ['popular · anonymous', (i) => caller(null).popular({ limit: 24, cursor: pageOffset(i) })],
    ['popular · signed in', (i) => caller(viewerOf(i)).popular({ limit: 24, cursor: pageOffset(i) })],
    ['forYou · signed in', (i) => caller(viewerOf(i)).forYou({ limit: 24, cursor: i % 3 === 2 ? encodeOffset(48) : undefined })],
    ['similar · anonymous', (i) => caller(null).similar({ imageId: at(feedImages, i).id, limit: 12 })],
    ['similar · signed in', (i) => caller(viewerOf(i)).similar({ imageId: at(feedImages, i + 1).id, limit: 12 })],
  ];
  // Warm up as a server that has been answering for a while: plans cached, the recommender's
  // rankings and per-user orders built (by other calls than those measured, which start at 0).
  for (const [name, call] of cases) for (let i = 0; i < (name.startsWith('forYou') ? 200 : 10); i++) await call(10_000 + i);
  return cases;
}

// ---------------------------------------------------------------- parent: rounds and report

class Child {
  private readonly process: ChildProcess;
  private waiting: ((message: Message) => void) | undefined;
  readonly ready: Promise<Extract<Message, { kind: 'ready' }>>;
  constructor(readonly implementation: Implementation, engine: Engine, url: string | undefined, calls: number) {
    this.process = fork(fileURLToPath(import.meta.url), ['--serve', implementation, engine, url ?? '', String(calls)], { execArgv: process.execArgv });
    this.process.on('exit', (code) => {
      if (code !== 0) {
        console.error(`${implementation} (${engine}) exited with ${code}`);
        process.exit(1);
      }
    });
    this.ready = this.next() as Promise<Extract<Message, { kind: 'ready' }>>;
  }
  private next(): Promise<Message> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.process.once('message', (message: Message) => {
        this.waiting = undefined;
        resolve(message);
      });
    });
  }
  async ask<K extends Message['kind']>(kind: 'round' | 'memory', round = 0): Promise<Extract<Message, { kind: K }>> {
    const reply = this.next();
    this.process.send({ kind, round });
    return (await reply) as Extract<Message, { kind: K }>;
  }
  exit() {
    this.process.send({ kind: 'exit' });
  }
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};
const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2)).padStart(7);

async function scratchDatabases(url: string): Promise<{ urls: Record<Implementation, string>; drop: () => Promise<void> }> {
  const names: Record<Implementation, string> = { previous: 'glimpse_bench_feeds_previous', current: 'glimpse_bench_feeds_current' };
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  for (const name of Object.values(names)) {
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  const urlOf = (name: string) => {
    const parsed = new URL(url);
    parsed.pathname = `/${name}`;
    return parsed.toString();
  };
  return {
    urls: { previous: urlOf(names.previous), current: urlOf(names.current) },
    drop: async () => {
      for (const name of Object.values(names)) await admin.query(`DROP DATABASE IF EXISTS ${name}`);
      await admin.end();
    },
  };
}

async function benchEngine(engine: Engine, rounds: number, calls: number) {
  const scratch = engine === 'postgres' ? await scratchDatabases(process.env.DATABASE_URL!) : undefined;
  const started = performance.now();
  const children = (['previous', 'current'] as const).map((implementation) => new Child(implementation, engine, scratch?.urls[implementation], calls));
  const ready = await Promise.all(children.map((child) => child.ready));
  console.log(`\n## ${engine === 'pglite' ? 'PGlite (embedded, in memory)' : 'PostgreSQL'}: ${SIZES.images.toLocaleString('en')} images, ${SIZES.users.toLocaleString('en')} users, ${SIZES.likes.toLocaleString('en')} likes, ${SIZES.views.toLocaleString('en')} views`);
  for (const [child, message] of children.map((child, i) => [child, ready[i]!] as const)) {
    const seeded = Object.values(message.seededMs).reduce((a, b) => a + b, 0);
    console.log(`${child.implementation.padEnd(8)} seeded in ${(seeded / 1000).toFixed(1)} s (${Object.entries(message.seededMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`).join(', ')}); recommender fed in ${(message.reindexMs / 1000).toFixed(1)} s`);
  }
  console.log(`ready after ${((performance.now() - started) / 1000).toFixed(0)} s; ${rounds} rounds × ${calls} calls per case, alternating; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const wall: Record<Implementation, Record<string, number[]>> = { previous: {}, current: {} };
  const cpu: Record<Implementation, Record<string, number[]>> = { previous: {}, current: {} };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? children : [...children].reverse();
    for (const child of order) {
      const { round: result } = await child.ask<'round'>('round', round);
      for (const [name, values] of Object.entries(result.wall)) (wall[child.implementation][name] ??= []).push(...values);
      for (const [name, values] of Object.entries(result.cpu)) (cpu[child.implementation][name] ??= []).push(...values);
    }
  }
  const cpuHeader = engine === 'pglite' ? ' | current CPU p99' : '';
  console.log(`\n| procedure · viewer | previous p50 | previous p99 | current p50 | current p99 | p99 ratio${cpuHeader} | ≤ ${GOAL_P99_MS} ms p99 |`);
  console.log(`|---|---:|---:|---:|---:|---:|${engine === 'pglite' ? '---:|' : ''}:-:|`);
  for (const name of Object.keys(wall.current)) {
    const [p50, p99, c50, c99] = [quantile(wall.previous[name]!, 0.5), quantile(wall.previous[name]!, 0.99), quantile(wall.current[name]!, 0.5), quantile(wall.current[name]!, 0.99)];
    const cpuCell = engine === 'pglite' ? ` | ${ms(quantile(cpu.current[name]!, 0.99))}` : '';
    console.log(`| ${name} | ${ms(p50)} | ${ms(p99)} | ${ms(c50)} | ${ms(c99)} | ${(p99 / c99).toFixed(1).padStart(6)}×${cpuCell} | ${c99 <= GOAL_P99_MS ? 'yes' : 'NO'} |`);
  }
  for (const child of children) {
    const memory = await child.ask<'memory'>('memory');
    console.log(`${child.implementation.padEnd(8)} process: rss ${memory.rssMb.toFixed(0)} MB (JS heap ${memory.heapMb.toFixed(0)} MB, buffers and WASM ${memory.externalMb.toFixed(0)} MB)`);
    child.exit();
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  await scratch?.drop();
}

const argv = process.argv.slice(2);
if (argv[0] === '--serve') {
  await serve(argv[1] as Implementation, argv[3] || undefined, Number(argv[4]));
} else {
  const option = (name: string, fallback: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 && argv[at + 1] ? argv[at + 1]! : fallback;
  };
  const rounds = Number(option('rounds', '5'));
  const calls = Number(option('calls', '40'));
  const only = option('only', '');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds: expected a whole number ≥ 1, got ${option('rounds', '')}`);
  if (!Number.isInteger(calls) || calls < 1) throw new Error(`--calls: expected a whole number ≥ 1, got ${option('calls', '')}`);
  const engines: Engine[] = only ? [only as Engine] : process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
  if (engines.some((engine) => engine !== 'pglite' && engine !== 'postgres')) throw new Error(`--only: expected pglite or postgres, got ${only}`);
  if (engines.includes('postgres') && !process.env.DATABASE_URL) throw new Error('DATABASE_URL: set it to a PostgreSQL URL whose user may create databases, to bench on PostgreSQL');
  console.log(`feed reads benchmark, node ${process.version}; goal: every procedure ≤ ${GOAL_P99_MS} ms p99 (wall, one call at a time)`);
  for (const engine of engines) await benchEngine(engine, rounds, calls);
}
