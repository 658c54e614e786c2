import { join } from 'node:path';
import type { Logger } from '@glimpse/logging';
import { createInProcessQueue } from './in-process';
import type { JobQueue } from './job-queue';
import { createRabbitMqQueue } from './rabbitmq';

export type {
  ConsumeOptions,
  Consumer,
  DeadLetter,
  Job,
  JobHandler,
  JobPriority,
  JobQueue,
  PublishOptions,
  QueueDepth,
  QueueName,
  FeedbackEvent,
  JobPayloads,
  LibraryJobPayload,
  NotificationKind,
  NotificationPayload,
} from './job-queue';
export { QUEUES, describeError, jobRetryBackoff, subjectOf } from './job-queue';
export { createInProcessQueue } from './in-process';
export { withJobMetrics } from './metrics';
export { createRabbitMqQueue, type RabbitMqQueueOptions } from './rabbitmq';

export interface JobQueueSettings {
  /** Where the embedded queue keeps jobs until they are acknowledged; memory when absent. */
  dataDir?: string;
  /** RabbitMQ (amqp:// or amqps://); the embedded queue when absent. */
  amqpUrl?: string;
  logger?: Logger;
}

export async function openJobQueue(settings: JobQueueSettings): Promise<JobQueue> {
  if (settings.amqpUrl) return createRabbitMqQueue({ url: settings.amqpUrl, logger: settings.logger });
  return createInProcessQueue(settings.dataDir ? join(settings.dataDir, 'queue') : undefined);
}
