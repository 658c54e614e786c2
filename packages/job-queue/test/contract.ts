import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsumeOptions, Consumer, Job, JobHandler, JobQueue } from '../src/index';

export interface ContractOptions {
  /** Removes what the implementation created for these queue names (a shared broker keeps them). */
  removeQueues?: (names: string[]) => Promise<void>;
}

const fast = (overrides: Partial<ConsumeOptions> = {}): ConsumeOptions => ({ concurrency: 1, maxAttempts: 3, retryDelayMs: () => 20, ...overrides });
const eventually = (assertion: () => void | Promise<void>, timeout = 10_000) => vi.waitFor(assertion, { timeout, interval: 20 });

/** A promise a test opens when it wants a handler to finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

/** The behaviour every JobQueue promises, whichever system is behind it. */
export function describeJobQueueContract(name: string, open: () => Promise<JobQueue>, options: ContractOptions = {}) {
  describe(`JobQueue contract: ${name}`, () => {
    const usedQueues: string[] = [];
    let queue: JobQueue;
    let consumers: Consumer[];
    let gates: Array<ReturnType<typeof gate>>;

    const newQueueName = () => {
      const queueName = `test-${randomUUID()}`;
      usedQueues.push(queueName);
      return queueName;
    };
    const consume = <Payload>(queueName: string, handler: JobHandler<Payload>, consumeOptions = fast()) => {
      const consumer = queue.consume(queueName, handler, consumeOptions);
      consumers.push(consumer);
      return consumer;
    };
    const newGate = () => {
      const created = gate();
      gates.push(created);
      return created;
    };

    beforeEach(async () => {
      consumers = [];
      gates = [];
      queue = await open();
    });

    afterEach(async () => {
      for (const { open: release } of gates) release();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await queue.close();
    });

    afterAll(async () => {
      await options.removeQueues?.(usedQueues);
    });

    it('delivers a published job with its id and payload intact', async () => {
      const queueName = newQueueName();
      const payload = { imageId: randomUUID(), title: 'Mountains ⛰', sizes: [1, 2.5, null], nested: { ok: true } };
      await queue.publish(queueName, payload, { id: 'outbox-row-1' });
      await queue.publish(queueName, { second: true });
      const seen: Job[] = [];
      consume(queueName, async (job) => void seen.push(job));
      await eventually(() => expect(seen).toHaveLength(2));
      expect(seen[0]).toEqual({ id: 'outbox-row-1', queue: queueName, payload, attempt: 1, maxAttempts: 3, isLastAttempt: false });
      expect(seen[1]!.payload).toEqual({ second: true });
      expect(seen[1]!.id).toMatch(/\S/);
    });

    it('acknowledges a job only once its handler succeeded: it is not delivered again', async () => {
      const queueName = newQueueName();
      await queue.publish(queueName, { n: 1 });
      let deliveries = 0;
      const first = consume(queueName, async () => void deliveries++);
      await eventually(() => expect(deliveries).toBe(1));
      await first.stop();
      consume(queueName, async () => void deliveries++);
      await sleep(300);
      expect(deliveries).toBe(1);
      expect(await queue.depth(queueName)).toEqual({ ready: 0, delayed: 0, inFlight: 0, dead: 0 });
    });

    it('retries a failing job with the next attempt number, the last one marked, then dead-letters it with the error', async () => {
      const queueName = newQueueName();
      await queue.publish(queueName, { imageId: 'img-1' }, { id: 'job-fails' });
      const attempts: Array<[number, boolean]> = [];
      consume(queueName, async (job) => {
        attempts.push([job.attempt, job.isLastAttempt]);
        throw new Error(`decoder exploded on attempt ${job.attempt}`);
      });
      await eventually(async () => expect((await queue.depth(queueName)).dead).toBe(1));
      expect(attempts).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      const [letter, ...others] = await queue.deadLetters(queueName);
      expect(others).toEqual([]);
      expect(letter).toMatchObject({ id: 'job-fails', queue: queueName, payload: { imageId: 'img-1' }, attempts: 3, reason: 'decoder exploded on attempt 3' });
      expect(Number.isNaN(Date.parse(letter!.deadAt))).toBe(false);
      // Listing does not consume them.
      expect(await queue.deadLetters(queueName)).toHaveLength(1);
      expect(await queue.depth(queueName)).toMatchObject({ ready: 0, delayed: 0, dead: 1 });
    });

    it('waits the retry delay before the next attempt', async () => {
      const queueName = newQueueName();
      await queue.publish(queueName, {});
      const times: number[] = [];
      consume(
        queueName,
        async () => {
          times.push(Date.now());
          if (times.length === 1) throw new Error('later');
        },
        fast({ retryDelayMs: () => 300 }),
      );
      await eventually(() => expect(times).toHaveLength(2));
      expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(250);
    });

    it('re-drives dead letters with attempt 1, and then they can succeed', async () => {
      const queueName = newQueueName();
      expect(await queue.redrive(queueName)).toBe(0);
      let broken = true;
      const handled: Job[] = [];
      consume(
        queueName,
        async (job) => {
          if (broken) throw new Error('tagger model missing');
          handled.push(job);
        },
        fast({ maxAttempts: 2 }),
      );
      await queue.publish(queueName, { imageId: 'a' }, { id: 'job-a' });
      await queue.publish(queueName, { imageId: 'b' }, { id: 'job-b' });
      await eventually(async () => expect((await queue.depth(queueName)).dead).toBe(2));
      broken = false;
      expect(await queue.redrive(queueName)).toBe(2);
      await eventually(() => expect(handled).toHaveLength(2));
      expect(handled.map((job) => [job.id, job.attempt, job.isLastAttempt]).sort()).toEqual([
        ['job-a', 1, false],
        ['job-b', 1, false],
      ]);
      expect(await queue.deadLetters(queueName)).toEqual([]);
      await eventually(async () => expect(await queue.depth(queueName)).toEqual({ ready: 0, delayed: 0, inFlight: 0, dead: 0 }));
    });

    it('never runs more handlers at once than the concurrency', async () => {
      const queueName = newQueueName();
      for (let n = 0; n < 12; n++) await queue.publish(queueName, { n });
      let active = 0;
      let most = 0;
      const done = new Set<number>();
      consume(
        queueName,
        async (job: Job<{ n: number }>) => {
          most = Math.max(most, ++active);
          await sleep(40);
          active--;
          done.add(job.payload.n);
        },
        fast({ concurrency: 3 }),
      );
      await eventually(() => expect(done.size).toBe(12));
      expect(most).toBe(3);
    });

    it('stop() takes no new jobs and resolves only after the job in hand is finished and acknowledged', async () => {
      const queueName = newQueueName();
      await queue.publish(queueName, { n: 1 });
      await queue.publish(queueName, { n: 2 });
      const release = newGate();
      const started: number[] = [];
      let finished = 0;
      const consumer = consume(queueName, async (job: Job<{ n: number }>) => {
        started.push(job.payload.n);
        await release.opened;
        finished++;
      });
      await eventually(() => expect(started).toEqual([1]));
      expect((await queue.depth(queueName)).inFlight).toBe(1);
      let stopped = false;
      const stopping = consumer.stop().then(() => (stopped = true));
      await sleep(150);
      expect(stopped).toBe(false);
      release.open();
      await stopping;
      expect(finished).toBe(1);
      expect(started).toEqual([1]);
      // The finished job was acknowledged; only the untouched one is left for the next consumer.
      const later: number[] = [];
      consume(queueName, async (job: Job<{ n: number }>) => void later.push(job.payload.n));
      await eventually(() => expect(later).toEqual([2]));
      await sleep(200);
      expect(later).toEqual([2]);
    });

    it('handles a normal job before a backlog of bulk ones', async () => {
      const queueName = newQueueName();
      for (let n = 0; n < 20; n++) await queue.publish(queueName, { kind: 'bulk', n }, { priority: 'bulk' });
      await queue.publish(queueName, { kind: 'normal' }, { priority: 'normal' });
      const order: string[] = [];
      consume(queueName, async (job: Job<{ kind: string }>) => {
        order.push(job.payload.kind);
        await sleep(5);
      });
      await eventually(() => expect(order).toHaveLength(21));
      expect(order.indexOf('normal')).toBeLessThan(3);
    });

    it('counts ready, delayed, in-flight and dead jobs', async () => {
      const queueName = newQueueName();
      expect(await queue.depth(queueName)).toEqual({ ready: 0, delayed: 0, inFlight: 0, dead: 0 });
      for (let n = 0; n < 4; n++) await queue.publish(queueName, { n });
      expect(await queue.depth(queueName)).toEqual({ ready: 4, delayed: 0, inFlight: 0, dead: 0 });

      const hold = newGate();
      consume(
        queueName,
        async (job: Job<{ n: number }>) => {
          if (job.payload.n === 0) await hold.opened;
          else throw new Error('try again in a minute');
        },
        fast({ concurrency: 4, maxAttempts: 2, retryDelayMs: () => 60_000 }),
      );
      await eventually(async () => expect(await queue.depth(queueName)).toEqual({ ready: 0, delayed: 3, inFlight: 1, dead: 0 }));
      hold.open();
      await eventually(async () => expect(await queue.depth(queueName)).toEqual({ ready: 0, delayed: 3, inFlight: 0, dead: 0 }));
    });
  });
}
