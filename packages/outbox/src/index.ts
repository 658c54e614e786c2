import { exponentialBackoff } from '@glimpse/backoff';
import type { Database, Queryable } from '@glimpse/database';
import type { JobPayloads, JobQueue, QueueName } from '@glimpse/job-queue';
import { describeError, subjectOf, type JobPriority } from '@glimpse/job-queue';
import type { Logger } from '@glimpse/logging';

/**
 * Transactional outbox. A job is written in the same transaction as the rows it is about,
 * so the two commit or fail together; a relay then hands it to the queue and deletes the
 * row only after the queue confirmed it. A broker that is down delays jobs, never drops
 * them. Delivery is at-least-once: workers are idempotent.
 */
export async function enqueueJob<Q extends QueueName>(tx: Queryable, queue: Q, payload: JobPayloads[Q], priority: JobPriority = 'normal'): Promise<void> {
  await tx.query('INSERT INTO outbox (queue, payload, priority, subject) VALUES ($1, $2, $3, $4)', [queue, JSON.stringify(payload), priority, subjectOf(payload)]);
}

/** The jobs for `queue` written but not yet handed to the queue, oldest first (for operators and tests). */
export async function queuedJobs<Q extends QueueName>(db: Queryable, queue: Q): Promise<Array<JobPayloads[Q]>> {
  const rows = await db.query<{ payload: JobPayloads[Q] }>('SELECT payload FROM outbox WHERE queue = $1 ORDER BY created_at, id', [queue]);
  return rows.map((row) => row.payload);
}

export interface OutboxRelay {
  /** Publish now rather than at the next poll (called after a commit that enqueued work). */
  wake(): void;
  /** Publishes everything due and returns how many jobs were handed over. */
  drain(): Promise<number>;
  /** Jobs written but not yet handed to the queue. */
  pending(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  queue: string;
  payload: unknown;
  priority: JobPriority;
  attempts: number;
}

export interface OutboxRelayOptions {
  db: Database;
  queue: JobQueue;
  logger: Logger;
  pollIntervalMs?: number;
  batchSize?: number;
  /** A claimed row becomes claimable again after this long, should its relay die. */
  leaseSeconds?: number;
}

export function startOutboxRelay({ db, queue, logger, pollIntervalMs = 1_000, batchSize = 100, leaseSeconds = 30 }: OutboxRelayOptions): OutboxRelay {
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;

  // Claiming by pushing available_at forward (a lease) lets several relay replicas run
  // without locks: each publishes the rows it claimed; a crashed one's rows come back.
  const claim = () =>
    db.transaction((tx) =>
      tx.query<OutboxRow>(
        `UPDATE outbox SET available_at = now() + ($2 * interval '1 second'), attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox WHERE available_at <= now() ORDER BY created_at LIMIT $1)
         RETURNING id, queue, payload, priority, attempts`,
        [batchSize, leaseSeconds],
      ),
    );

  async function publishDue(): Promise<number> {
    let published = 0;
    for (;;) {
      const rows = await claim();
      if (rows.length === 0) return published;
      for (const row of rows) {
        try {
          await queue.publish(row.queue, row.payload, { id: row.id, priority: row.priority });
        } catch (error) {
          const retryIn = Math.ceil(exponentialBackoff({ baseMs: 2_000, capMs: 60_000, jitter: 0 })(row.attempts) / 1000);
          logger.warn({ outboxId: row.id, queue: row.queue, err: describeError(error), retryIn }, 'outbox: queue refused the job; will retry');
          await db.query(`UPDATE outbox SET last_error = $2, available_at = now() + ($3 * interval '1 second') WHERE id = $1`, [row.id, describeError(error), retryIn]);
          return published;
        }
        await db.query('DELETE FROM outbox WHERE id = $1', [row.id]);
        published++;
      }
    }
  }

  function drain(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await publishDue();
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  const tick = () =>
    drain().catch((error) => {
      logger.warn({ err: describeError(error) }, 'outbox: relay pass failed; will retry');
      return 0;
    });

  const timer = setInterval(tick, pollIntervalMs);
  timer.unref();

  return {
    wake: () => void tick(),
    drain,
    async pending() {
      const [row] = await db.query<{ count: number }>('SELECT count(*) AS count FROM outbox');
      return Number(row?.count ?? 0);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
