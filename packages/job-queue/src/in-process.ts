import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConsumeOptions, Consumer, DeadLetter, Job, JobHandler, JobPriority, JobQueue, PublishOptions, QueueDepth } from './job-queue';
import { describeError, jobRetryBackoff } from './job-queue';

interface StoredJob {
  id: string;
  queue: string;
  payload: unknown;
  priority?: JobPriority;
  /** Deliveries so far. */
  deliveries: number;
  availableAt: number;
  publishedAt: string;
  reason?: string;
  deadAt?: string;
}

interface Subscription {
  handler: JobHandler;
  options: ConsumeOptions;
  running: Set<Promise<void>>;
  stopped: boolean;
}

interface QueueState {
  /** Normal jobs first, then bulk ones, each in publishing order. */
  ready: StoredJob[];
  delayed: Map<string, { job: StoredJob; timer: NodeJS.Timeout }>;
  inFlight: Map<string, StoredJob>;
  dead: Map<string, StoredJob>;
  subscriptions: Subscription[];
  nextSubscription: number;
}

/**
 * An in-process queue with RabbitMQ's semantics: manual ack, retry with backoff, a dead
 * letter queue after N attempts, redelivery of unacknowledged jobs after a crash.
 * With a directory every job is a file until it is acknowledged, so work queued when the
 * process stops is delivered again when it starts; without one it lives in memory.
 */
export function createInProcessQueue(directory?: string): JobQueue {
  const queues = new Map<string, QueueState>();
  let closed = false;

  const stateOf = (queue: string): QueueState => {
    let state = queues.get(queue);
    if (!state) {
      state = { ready: [], delayed: new Map(), inFlight: new Map(), dead: new Map(), subscriptions: [], nextSubscription: 0 };
      queues.set(queue, state);
    }
    return state;
  };

  const fileOf = (job: StoredJob, dead = false) => join(directory!, dead ? `${job.queue}.dead` : job.queue, `${job.id}.json`);

  async function persist(job: StoredJob, dead = false) {
    if (!directory) return;
    const path = fileOf(job, dead);
    const temporary = `${path}.${randomUUID()}.partial`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(JSON.stringify(job));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  }

  async function forget(job: StoredJob, dead = false) {
    if (directory) await rm(fileOf(job, dead), { force: true });
  }

  function ensureDirectories(queue: string) {
    if (!directory) return;
    mkdirSync(join(directory, queue), { recursive: true });
    mkdirSync(join(directory, `${queue}.dead`), { recursive: true });
  }

  function makeReady(state: QueueState, job: StoredJob) {
    const firstBulk = job.priority === 'bulk' ? -1 : state.ready.findIndex((waiting) => waiting.priority === 'bulk');
    if (firstBulk === -1) state.ready.push(job);
    else state.ready.splice(firstBulk, 0, job);
  }

  function schedule(job: StoredJob) {
    const state = stateOf(job.queue);
    const wait = job.availableAt - Date.now();
    if (wait <= 0) {
      makeReady(state, job);
      queueMicrotask(() => pump(job.queue));
      return;
    }
    const timer = setTimeout(() => {
      state.delayed.delete(job.id);
      makeReady(state, job);
      pump(job.queue);
    }, wait);
    timer.unref();
    state.delayed.set(job.id, { job, timer });
  }

  function pump(queue: string) {
    const state = stateOf(queue);
    while (state.ready.length > 0 && !closed) {
      const active = state.subscriptions.filter((s) => !s.stopped && s.running.size < s.options.concurrency);
      if (active.length === 0) return;
      const subscription = active[state.nextSubscription++ % active.length]!;
      const job = state.ready.shift()!;
      deliver(state, subscription, job);
    }
  }

  function deliver(state: QueueState, subscription: Subscription, stored: StoredJob) {
    const { maxAttempts } = subscription.options;
    stored.deliveries += 1;
    state.inFlight.set(stored.id, stored);
    const job: Job = {
      id: stored.id,
      queue: stored.queue,
      payload: stored.payload,
      attempt: stored.deliveries,
      maxAttempts,
      isLastAttempt: stored.deliveries >= maxAttempts,
    };
    const bury = async (attempts: number, reason: string) => {
      const dead = { ...stored, deliveries: attempts, reason, deadAt: new Date().toISOString() };
      await persist(dead, true);
      await forget(stored);
      state.dead.set(dead.id, dead);
    };
    const run = (async () => {
      // Count the delivery durably first, so a job that crashes the process on every
      // attempt still reaches the dead-letter queue after maxAttempts restarts.
      await persist(stored);
      if (stored.deliveries > maxAttempts) {
        state.inFlight.delete(stored.id);
        await bury(stored.deliveries - 1, `attempt ${stored.deliveries - 1} ended without a result: the worker stopped before finishing it`);
        return;
      }
      try {
        await subscription.handler(job);
        state.inFlight.delete(stored.id);
        await forget(stored);
      } catch (error) {
        state.inFlight.delete(stored.id);
        if (stored.deliveries >= maxAttempts) {
          await bury(stored.deliveries, describeError(error));
        } else {
          const delay = (subscription.options.retryDelayMs ?? jobRetryBackoff())(stored.deliveries);
          stored.availableAt = Date.now() + delay;
          await persist(stored);
          schedule(stored);
        }
      }
    })().finally(() => {
      subscription.running.delete(run);
      pump(stored.queue);
    });
    subscription.running.add(run);
  }

  function restore() {
    if (!directory) return;
    mkdirSync(directory, { recursive: true });
    const restored: StoredJob[] = [];
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dead = entry.name.endsWith('.dead');
      for (const file of readdirSync(join(directory, entry.name))) {
        if (!file.endsWith('.json')) continue;
        const job = JSON.parse(readFileSync(join(directory, entry.name, file), 'utf8')) as StoredJob;
        if (dead) stateOf(job.queue).dead.set(job.id, job);
        else restored.push(job);
      }
    }
    restored.sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
    for (const job of restored) schedule(job);
  }

  restore();

  return {
    kind: 'in-process',
    async publish(queue: string, payload: unknown, options?: PublishOptions) {
      if (closed) throw new Error('The job queue is closed');
      ensureDirectories(queue);
      const state = stateOf(queue);
      const id = options?.id ?? randomUUID();
      if (state.inFlight.has(id) || state.delayed.has(id) || state.ready.some((job) => job.id === id)) return;
      const job: StoredJob = { id, queue, payload, priority: options?.priority, deliveries: 0, availableAt: Date.now(), publishedAt: new Date().toISOString() };
      await persist(job);
      schedule(job);
    },
    consume<Payload>(queue: string, handler: JobHandler<Payload>, options: ConsumeOptions): Consumer {
      ensureDirectories(queue);
      const subscription: Subscription = { handler: handler as JobHandler, options, running: new Set(), stopped: false };
      stateOf(queue).subscriptions.push(subscription);
      queueMicrotask(() => pump(queue));
      return {
        async stop() {
          subscription.stopped = true;
          await Promise.allSettled([...subscription.running]);
        },
      };
    },
    async deadLetters(queue: string): Promise<DeadLetter[]> {
      return [...stateOf(queue).dead.values()].map((job) => ({
        id: job.id,
        queue: job.queue,
        payload: job.payload,
        attempts: job.deliveries,
        reason: job.reason ?? 'unknown',
        deadAt: job.deadAt ?? '',
      }));
    },
    async redrive(queue: string) {
      const state = stateOf(queue);
      const letters = [...state.dead.values()];
      for (const letter of letters) {
        const job: StoredJob = { id: letter.id, queue, payload: letter.payload, priority: letter.priority, deliveries: 0, availableAt: Date.now(), publishedAt: new Date().toISOString() };
        await persist(job);
        await forget(letter, true);
        state.dead.delete(letter.id);
        schedule(job);
      }
      return letters.length;
    },
    async depth(queue: string): Promise<QueueDepth> {
      const state = stateOf(queue);
      return { ready: state.ready.length, delayed: state.delayed.size, inFlight: state.inFlight.size, dead: state.dead.size };
    },
    async ping() {
      if (closed) throw new Error('The job queue is closed');
    },
    async close() {
      closed = true;
      for (const state of queues.values()) {
        for (const { timer } of state.delayed.values()) clearTimeout(timer);
        for (const subscription of state.subscriptions) subscription.stopped = true;
        await Promise.allSettled(state.subscriptions.flatMap((s) => [...s.running]));
      }
    },
  };
}
