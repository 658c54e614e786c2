import { exponentialBackoff } from '@glimpse/backoff';
/** The job queue capability: RabbitMQ in production, an in-process durable queue embedded. */

/** The queues of the pipeline, in the order an image passes through them. */
export const QUEUES = {
  processImages: 'process-images',
  tagImages: 'tag-images',
  indexImages: 'index-images',
  /** Email (and in-app notices) to users: verification, password reset, failed uploads, the daily likes digest. */
  notifications: 'notifications',
  /** Bulk imports (a zip in, images out) and exports (a zip of originals out), one job each. */
  library: 'library-jobs',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A like or a view, as the recommender learns of it. */
export interface FeedbackEvent {
  type: 'like' | 'read';
  userId: string;
  imageId: string;
  /** ISO date-time of the act. */
  at: string;
}

/**
 * What each queue carries: the one definition producers (through the outbox) and consumers
 * share. `index-images` either re-syncs an image (upsert when visible, remove otherwise) or
 * carries feedback (undo: an unlike).
 */
export interface JobPayloads {
  'process-images': { imageId: string };
  'tag-images': { imageId: string };
  'index-images': { imageId: string } | { feedback: FeedbackEvent; undo?: boolean };
  notifications: NotificationPayload;
  'library-jobs': LibraryJobPayload;
}

/** An import or an export to run (or to go on with: an interrupted import queues itself again). */
export type LibraryJobPayload = { kind: 'import'; importId: string } | { kind: 'export'; exportId: string };

/**
 * A message to one user. `notificationId` is chosen when the job is written and keys the
 * sent-message ledger, so a redelivered job (or one the outbox published twice) sends once.
 * Account links carry their token; only its hash is stored, so the job is the one place
 * the link exists until the email is sent.
 */
export type NotificationPayload =
  | { kind: 'verify-email'; notificationId: string; userId: string; token: string; expiresAt: string }
  | { kind: 'password-reset'; notificationId: string; userId: string; token: string; expiresAt: string }
  | { kind: 'upload-failed'; notificationId: string; userId: string; imageId: string; title: string; reason: string }
  | { kind: 'export-ready'; notificationId: string; userId: string; exportId: string; images: number; bytes: number; expiresAt: string }
  /**
   * The likes on the user's photos during one UTC day (`day`, YYYY-MM-DD). Its id is derived
   * from the user and the day, so however often the digest is scheduled, one email goes out.
   */
  | { kind: 'likes-digest'; notificationId: string; userId: string; day: string };

export type NotificationKind = NotificationPayload['kind'];

/** The image a job is about, when it is about one (kept beside the payload so it can be queried). */
export function subjectOf(payload: JobPayloads[QueueName]): string | null {
  return 'imageId' in payload ? payload.imageId : null;
}

export interface Job<Payload = unknown> {
  id: string;
  queue: string;
  payload: Payload;
  /** 1 on first delivery, counting every retry and redelivery after a crash. */
  attempt: number;
  maxAttempts: number;
  /** When this attempt throws, the job goes to the dead-letter queue instead of being retried. */
  isLastAttempt: boolean;
}

/** Resolving acknowledges the job; throwing retries it with backoff, then dead-letters it. */
export type JobHandler<Payload = unknown> = (job: Job<Payload>) => Promise<void>;

export interface ConsumeOptions {
  /** Jobs handled at once by this consumer (RabbitMQ prefetch). */
  concurrency: number;
  maxAttempts: number;
  /** Delay before retry number `attempt` (1-based) is delivered. */
  retryDelayMs?: (attempt: number) => number;
}

export interface Consumer {
  /** Stops taking new jobs and resolves when the jobs already taken are settled. */
  stop(): Promise<void>;
}

export interface DeadLetter {
  id: string;
  queue: string;
  payload: unknown;
  attempts: number;
  reason: string;
  deadAt: string;
}

export interface QueueDepth {
  ready: number;
  delayed: number;
  inFlight: number;
  dead: number;
}

export interface PublishOptions {
  /** Stable id; the outbox passes its row id so a re-published job is recognisable. */
  id?: string;
  /**
   * `normal` (the default) is work someone is waiting for, such as a fresh upload; `bulk`
   * (backfills, re-processing) is handled only when no normal job is waiting.
   */
  priority?: JobPriority;
}

export type JobPriority = 'normal' | 'bulk';

export interface JobQueue {
  readonly kind: 'in-process' | 'rabbitmq';
  /** Resolves once the queue has durably accepted the job (publisher confirm). */
  publish(queue: string, payload: unknown, options?: PublishOptions): Promise<void>;
  consume<Payload>(queue: string, handler: JobHandler<Payload>, options: ConsumeOptions): Consumer;
  deadLetters(queue: string): Promise<DeadLetter[]>;
  /** Moves every dead letter of `queue` back to it with a fresh attempt count; returns how many. */
  redrive(queue: string): Promise<number>;
  depth(queue: string): Promise<QueueDepth>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** 1s, 2s, 4s … capped at one minute, with jitter so retries of a burst spread out. */
export function jobRetryBackoff(baseMs = 1_000, capMs = 60_000) {
  return exponentialBackoff({ baseMs, capMs, jitter: 0.25 });
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
