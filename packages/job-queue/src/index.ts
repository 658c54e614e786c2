import { join } from 'node:path';
import { createInProcessQueue } from './in-process';
import type { JobQueue } from './job-queue';

export type { ConsumeOptions, Consumer, DeadLetter, Job, JobHandler, JobQueue, PublishOptions, QueueDepth, QueueName } from './job-queue';
export { QUEUES, describeError, exponentialBackoff } from './job-queue';
export { createInProcessQueue } from './in-process';

export interface JobQueueSettings {
  /** Where the embedded queue keeps jobs until they are acknowledged; memory when absent. */
  dataDir?: string;
}

export async function openJobQueue(settings: JobQueueSettings): Promise<JobQueue> {
  return createInProcessQueue(settings.dataDir ? join(settings.dataDir, 'queue') : undefined);
}
