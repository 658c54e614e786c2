import type { Channel, ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { JobPriority } from './job-queue';
import { describeError } from './job-queue';

/**
 * What Glimpse declares on RabbitMQ for each work queue `<name>`, all durable, bound to one
 * durable direct exchange by their own names:
 *   <name>        the work: a classic queue with two priorities (normal before bulk);
 *   <name>.retry  failed jobs wait here for their backoff (per-message TTL), then the
 *                 broker dead-letters them back to <name>;
 *   <name>.dead   jobs that used up their attempts, with the last failure's reason.
 */
export const EXCHANGE = 'glimpse';
export const HEADER = { attempt: 'x-glimpse-attempt', reason: 'x-glimpse-reason', deadAt: 'x-glimpse-dead-at' } as const;
const PRIORITY: Record<JobPriority, number> = { normal: 1, bulk: 0 };
const REASON_LIMIT = 2_000;

export const retryQueueOf = (queue: string) => `${queue}.retry`;
export const deadQueueOf = (queue: string) => `${queue}.dead`;

export async function declareTopology(channel: Channel, queue: string): Promise<void> {
  await channel.assertExchange(EXCHANGE, 'direct', { durable: true });
  // Classic rather than quorum: RabbitMQ 3.x quorum queues have no message priorities.
  await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'classic', 'x-max-priority': PRIORITY.normal } });
  await channel.assertQueue(retryQueueOf(queue), {
    durable: true,
    arguments: { 'x-queue-type': 'classic', 'x-dead-letter-exchange': EXCHANGE, 'x-dead-letter-routing-key': queue },
  });
  await channel.assertQueue(deadQueueOf(queue), { durable: true, arguments: { 'x-queue-type': 'classic' } });
  for (const name of [queue, retryQueueOf(queue), deadQueueOf(queue)]) await channel.bindQueue(name, EXCHANGE, name);
}

export type TopologyCache = ReturnType<typeof createTopologyCache>;

/** Declares each queue's topology once per connection, on a throwaway channel so a refusal harms nothing else. */
export function createTopologyCache() {
  const declared = new WeakMap<ChannelModel, Map<string, Promise<void>>>();
  return {
    ensure(connection: ChannelModel, queue: string): Promise<void> {
      let queues = declared.get(connection);
      if (!queues) declared.set(connection, (queues = new Map()));
      let done = queues.get(queue);
      if (!done) {
        done = declareOn(connection, queue);
        queues.set(queue, done);
        done.catch(() => queues.delete(queue));
      }
      return done;
    },
    forget(connection: ChannelModel, queue: string) {
      declared.get(connection)?.delete(queue);
    },
  };
}

async function declareOn(connection: ChannelModel, queue: string) {
  const channel = await connection.createChannel();
  channel.on('error', () => {});
  try {
    await declareTopology(channel, queue);
  } catch (error) {
    throw new Error(`RabbitMQ refused to declare the queues of "${queue}": ${describeError(error)}`);
  } finally {
    void channel.close().catch(() => {});
  }
}

/** A confirm channel that also notices messages the broker could not route (`mandatory`). */
export interface Publisher {
  channel: ConfirmChannel;
  returned: Set<string>;
  closed: boolean;
}

export async function openPublisher(connection: ChannelModel): Promise<Publisher> {
  const channel = await connection.createConfirmChannel();
  const publisher: Publisher = { channel, returned: new Set(), closed: false };
  channel.on('error', () => {});
  channel.on('close', () => {
    publisher.closed = true;
  });
  channel.on('return', (message: Message) => publisher.returned.add(returnKey(message.fields.routingKey, message.properties.messageId)));
  return publisher;
}

const returnKey = (routingKey: string, messageId: unknown) => `${routingKey}\n${String(messageId)}`;

export class UnroutableError extends Error {}

/** Resolves once the broker confirmed the message (persisted, for a persistent one); rejects on nack, close or timeout. */
export function publishConfirmed(publisher: Publisher, routingKey: string, content: Buffer, properties: Options.Publish, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`RabbitMQ did not confirm the job for "${routingKey}" within ${timeoutMs} ms`)), timeoutMs);
    const key = returnKey(routingKey, properties.messageId);
    try {
      publisher.channel.publish(EXCHANGE, routingKey, content, { ...properties, mandatory: true }, (error: unknown) => {
        clearTimeout(timer);
        if (error) reject(new Error(`RabbitMQ did not accept the job for "${routingKey}": ${describeError(error)}`));
        else if (publisher.returned.delete(key)) reject(new UnroutableError(`RabbitMQ could not route the job to queue "${routingKey}"; was the queue deleted?`));
        else resolve();
      });
    } catch (error) {
      clearTimeout(timer);
      reject(new Error(`RabbitMQ channel unusable while publishing to "${routingKey}": ${describeError(error)}`));
    }
  });
}

export interface JobEnvelope {
  id: string;
  attempt: number;
  priority?: JobPriority | number;
  headers?: Record<string, unknown>;
  /** Milliseconds the message waits in a retry queue. */
  expiration?: number;
}

export function jobProperties({ id, attempt, priority, headers, expiration }: JobEnvelope): Options.Publish {
  return {
    persistent: true,
    messageId: id,
    contentType: 'application/json',
    timestamp: Math.floor(Date.now() / 1000),
    priority: typeof priority === 'number' ? priority : PRIORITY[priority ?? 'normal'],
    headers: { ...headers, [HEADER.attempt]: attempt },
    ...(expiration === undefined ? {} : { expiration: String(Math.max(0, Math.round(expiration))) }),
  };
}

export function encodePayload(payload: unknown): Buffer {
  return Buffer.from(JSON.stringify(payload === undefined ? null : payload));
}

/** The attempt a delivered message is on: 1 unless a retry or redrive said otherwise. */
export function attemptOf(message: Message): number {
  const value = Number(message.properties.headers?.[HEADER.attempt]);
  return Number.isInteger(value) && value > 0 ? value : 1;
}

export const deadHeaders = (reason: string) => ({ [HEADER.reason]: reason.slice(0, REASON_LIMIT), [HEADER.deadAt]: new Date().toISOString() });
