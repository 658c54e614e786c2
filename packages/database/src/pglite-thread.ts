import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { THREAD_REPLIES_SOURCE, threadCalls } from '@glimpse/thread-calls';
import type { Database, DatabaseStats, Queryable, TransactionOptions } from './database';
import { retrySerializable } from './database';
import { preparePgliteDir, restrictToOwner } from './pglite';

/**
 * The embedded database on a thread of its own. PGlite runs PostgreSQL compiled to WASM, and
 * every query runs to completion on the thread that calls it: on the main thread a 50 ms
 * query is a 50 ms stall for every request, probe and upload in the all-in-one. Here the
 * main thread only posts each statement and awaits its rows, so it keeps answering while
 * the database works, and the two use both cores.
 *
 * Same contract as `openPglite` (the database contract suite runs on both): one connection,
 * SERIALIZABLE transactions retried on 40001, errors with their SQLSTATE `code`,
 * `constraint`, `detail` and `severity`.
 */
export async function openPgliteThread(dataDir?: string): Promise<Database> {
  if (dataDir) preparePgliteDir(dataDir);
  const resolve = createRequire(import.meta.url).resolve;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir,
      pglite: resolve('@electric-sql/pglite'),
      fuzzystrmatch: resolve('@electric-sql/pglite/contrib/fuzzystrmatch'),
    },
  });

  const { call } = threadCalls(worker, 'The embedded database thread');

  await call({ op: 'open' });
  if (dataDir) restrictToOwner(dataDir);

  let closed = false;
  const stats: DatabaseStats = { serializationRetries: 0 };
  const query = <Row>(sql: string, params?: readonly unknown[], tx?: number) => call<Row[]>({ op: 'query', sql, params, tx });
  return {
    stats,
    kind: 'pglite',
    get replica(): Queryable {
      return this as Queryable;
    },
    query: (sql, params) => query(sql, params),
    transaction<T>(work: (tx: Queryable) => Promise<T>, options?: TransactionOptions) {
      return retrySerializable(
        async () => {
          const tx = await call<number>({ op: 'begin' });
          let result: T;
          try {
            result = await work({ query: (sql, params) => query(sql, params, tx) });
          } catch (error) {
            await call({ op: 'rollback', tx }).catch(() => undefined);
            throw error;
          }
          await call({ op: 'commit', tx });
          return result;
        },
        options?.maxAttempts,
        undefined,
        stats,
      );
    },
    async ping() {
      if (closed) throw new Error('The embedded database is closed');
      await query('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/**
 * The thread's program, plain JavaScript run with `eval` so that it needs no file of its own
 * beside a bundle. PGlite's `transaction` keeps every other query waiting while it is open;
 * a transaction here stays open until the main thread sends its commit or rollback, with the
 * statements in between run on it in the order they arrive.
 */
const WORKER_SOURCE = /* js */ `${THREAD_REPLIES_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite, types } = require(workerData.pglite);
const { fuzzystrmatch } = require(workerData.fuzzystrmatch);
let pg;
let nextTx = 1;
const transactions = new Map();

// What callers read of a database error (sqlState, uniqueViolationConstraint, the search index's severity check).
const FIELDS = ['code', 'constraint', 'detail', 'severity', 'hint', 'position', 'schema', 'table', 'column', 'dataType', 'where', 'routine'];
const failed = (id, error) => refuse(id, error, FIELDS);
const rowsOf = async (runner, sql, params) => (await runner.query(sql, params)).rows;

function begin(id) {
  const txId = nextTx++;
  const inbox = [];
  let wake;
  const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((resolve) => (wake = resolve)));
  const state = {
    push(message) {
      if (wake) { const w = wake; wake = undefined; w(message); } else inbox.push(message);
    },
  };
  transactions.set(txId, state);
  const ROLLBACK = Symbol('rollback');
  pg.transaction(async (tx) => {
    reply(id, txId);
    for (;;) {
      const message = await next();
      if (message.op === 'query') {
        try { reply(message.id, await rowsOf(tx, message.sql, message.params)); } catch (error) { failed(message.id, error); }
      } else if (message.op === 'commit') { state.finish = message.id; return; }
      else { state.finish = message.id; throw ROLLBACK; }
    }
  }).then(
    () => { transactions.delete(txId); reply(state.finish); },
    (error) => {
      transactions.delete(txId);
      if (error === ROLLBACK) reply(state.finish);
      else if (state.finish !== undefined) failed(state.finish, error);
      else failed(id, error);
    },
  );
}

parentPort.on('message', async (message) => {
  const { id, op } = message;
  try {
    if (op === 'open') {
      pg = new PGlite(workerData.dataDir || 'memory://', { parsers: { [types.INT8]: (value) => Number(value) }, extensions: { fuzzystrmatch } });
      await pg.waitReady;
      await pg.exec('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE');
      reply(id, null);
    } else if (op === 'begin') begin(id);
    else if (message.tx !== undefined) {
      const tx = transactions.get(message.tx);
      if (!tx) failed(id, new Error('The transaction has already ended'));
      else tx.push(message);
    } else if (op === 'query') reply(id, await rowsOf(pg, message.sql, message.params));
    else if (op === 'close') { await pg.close(); reply(id, null); }
  } catch (error) {
    failed(id, error);
  }
});
`;
