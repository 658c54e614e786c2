import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { ConsumeOptions, Job, JobHandler, JobQueue } from './job-queue';

/**
 * The same queue, reporting on every job this process handles: how many were processed,
 * retried and dead-lettered, how long each took, and (read at scrape time) how many wait
 * in each queue it consumes and how many are dead. What the chart's alert rules watch.
 */
export function withJobMetrics(queue: JobQueue, registry: Registry): JobQueue {
  const consumed = new Set<string>();
  const jobs = new Counter({
    name: 'glimpse_jobs_total',
    help: 'Jobs handled by this process, by queue and outcome (processed, retried, dead_lettered)',
    labelNames: ['queue', 'outcome'] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'glimpse_job_duration_seconds',
    help: 'Time spent on one job, whatever its outcome',
    labelNames: ['queue'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [registry],
  });
  const depths = async () => Promise.all([...consumed].map(async (name) => ({ name, depth: await queue.depth(name).catch(() => undefined) })));
  new Gauge({
    name: 'glimpse_queue_depth',
    help: 'Jobs ready to be taken in each queue this process consumes',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const { name, depth } of await depths()) if (depth) this.set({ queue: name }, depth.ready);
    },
  });
  new Gauge({
    name: 'glimpse_dead_letters',
    help: 'Jobs that failed every attempt, waiting for an operator (glimpse redrive)',
    labelNames: ['queue'] as const,
    registers: [registry],
    async collect() {
      for (const { name, depth } of await depths()) if (depth) this.set({ queue: name }, depth.dead);
    },
  });
  return {
    kind: queue.kind,
    publish: (...args) => queue.publish(...args),
    deadLetters: (name) => queue.deadLetters(name),
    redrive: (name) => queue.redrive(name),
    depth: (name) => queue.depth(name),
    ping: () => queue.ping(),
    close: () => queue.close(),
    consume<Payload>(name: string, handler: JobHandler<Payload>, options: ConsumeOptions) {
      consumed.add(name);
      for (const outcome of ['processed', 'retried', 'dead_lettered']) jobs.inc({ queue: name, outcome }, 0);
      return queue.consume<Payload>(
        name,
        async (job: Job<Payload>) => {
          const done = seconds.startTimer({ queue: name });
          try {
            await handler(job);
            jobs.inc({ queue: name, outcome: 'processed' });
          } catch (error) {
            jobs.inc({ queue: name, outcome: job.isLastAttempt ? 'dead_lettered' : 'retried' });
            throw error;
          } finally {
            done();
          }
        },
        options,
      );
    },
  };
}
