import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, GetMessage } from 'amqplib';
import { silentLogger, type Logger } from '@glimpse/logging';
import type { DeadLetter, JobHandler, JobQueue, PublishOptions, QueueDepth } from './job-queue';
import { describeError } from './job-queue';
import { startRabbitMqConsumer, type RabbitMqConsumer } from './rabbitmq-consumer';
import { CLOSE_TIMEOUT_MS, openAmqpLink, settleWithin } from './rabbitmq-link';
import {
  HEADER,
  EXCHANGE,
  UnroutableError,
  attemptOf,
  createTopologyCache,
  deadQueueOf,
  encodePayload,
  jobProperties,
  openPublisher,
  publishConfirmed,
  retryQueueOf,
  type Publisher,
} from './rabbitmq-topology';

export interface RabbitMqQueueOptions {
  /** amqp://user:password@host:5672/vhost (or amqps://). */
  url: string;
  logger?: Logger;
  /** How long publish (and the other calls) wait for a connection and the broker's answer. */
  operationTimeoutMs?: number;
  /** Backoff between reconnection attempts: starts at `initial`, doubles up to `max`. */
  reconnectDelayMs?: { initial: number; max: number };
}

/**
 * The job queue on RabbitMQ (see rabbitmq-topology.ts for what is declared). Publishing
 * waits for the broker's confirm; consumers ack after their handler; the connection comes
 * back by itself after a broker restart. Delivery is at least once: a job can arrive twice.
 */
export function createRabbitMqQueue(options: RabbitMqQueueOptions): JobQueue {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.operationTimeoutMs ?? 4_000;
  const link = openAmqpLink({ url: options.url, logger, reconnectDelayMs: options.reconnectDelayMs ?? { initial: 250, max: 15_000 } });
  const topology = createTopologyCache();
  const consumers = new Set<RabbitMqConsumer>();
  let shared: { connection: ChannelModel; publisher: Promise<Publisher> } | undefined;
  let closed = false;

  /** Runs `work` on the open connection, or rejects within the timeout naming RabbitMQ. */
  function withConnection<T>(what: string, work: (connection: ChannelModel, isLate: () => boolean) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new Error('The RabbitMQ job queue is closed'));
    return new Promise<T>((resolve, reject) => {
      let late = false;
      const timer = setTimeout(() => {
        late = true;
        reject(new Error(`RabbitMQ at ${link.target} did not answer within ${timeoutMs} ms while trying to ${what}`));
      }, timeoutMs);
      // While disconnected, wait a little for the link to come back, then say why it did not.
      link
        .connection(timeoutMs / 2)
        .then((connection) => work(connection, () => late))
        .then(resolve, (error: unknown) => reject(namingRabbitMq(error, `RabbitMQ at ${link.target} failed to ${what}`)))
        .finally(() => clearTimeout(timer));
    });
  }

  function publisherOn(connection: ChannelModel): Promise<Publisher> {
    if (!shared || shared.connection !== connection) {
      const publisher = openPublisher(connection);
      shared = { connection, publisher };
      const forget = () => {
        if (shared?.publisher === publisher) shared = undefined;
      };
      publisher.then((opened) => opened.channel.on('close', forget), forget);
    }
    return shared.publisher;
  }

  /** A short-lived channel for reading and moving dead letters and counting; closing it requeues what it holds. */
  async function withChannel<T>(connection: ChannelModel, work: (channel: Channel) => Promise<T>): Promise<T> {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    try {
      return await work(channel);
    } finally {
      await settleWithin(channel.close(), CLOSE_TIMEOUT_MS);
    }
  }

  async function drainDead(channel: Channel, queue: string, limit: number, each: (message: GetMessage) => Promise<void>) {
    for (let taken = 0; taken < limit; taken++) {
      const message = await channel.get(deadQueueOf(queue), { noAck: false });
      if (!message) return;
      await each(message);
    }
  }

  return {
    kind: 'rabbitmq',

    publish(queue: string, payload: unknown, publishOptions?: PublishOptions) {
      const id = publishOptions?.id ?? randomUUID();
      return withConnection(`publish a job to "${queue}"`, async (connection, isLate) => {
        await topology.ensure(connection, queue);
        const publisher = await publisherOn(connection);
        // Past the deadline the caller has already been told no; do not publish behind its back.
        if (isLate()) return;
        try {
          await publishConfirmed(publisher, queue, encodePayload(payload), jobProperties({ id, attempt: 1, priority: publishOptions?.priority }), timeoutMs);
        } catch (error) {
          if (error instanceof UnroutableError) topology.forget(connection, queue);
          throw error;
        }
      });
    },

    consume(queue, handler, consumeOptions) {
      if (closed) throw new Error('The RabbitMQ job queue is closed');
      const consumer = startRabbitMqConsumer({ link, topology, logger, publishTimeoutMs: timeoutMs }, queue, handler as JobHandler, consumeOptions);
      consumers.add(consumer);
      return {
        async stop() {
          await consumer.stop();
          consumers.delete(consumer);
        },
      };
    },

    /**
     * Reads the dead letters without taking them: each is fetched unacknowledged, so no
     * one else sees it meanwhile, and all go back in their order when the channel closes.
     */
    deadLetters(queue: string) {
      return withConnection(`list the dead letters of "${queue}"`, async (connection) => {
        await topology.ensure(connection, queue);
        return withChannel(connection, async (channel) => {
          const letters: DeadLetter[] = [];
          const { messageCount } = await channel.checkQueue(deadQueueOf(queue));
          await drainDead(channel, queue, messageCount, async (message) => {
            const headers = message.properties.headers ?? {};
            letters.push({
              id: String(message.properties.messageId ?? ''),
              queue,
              payload: parseContent(message),
              attempts: attemptOf(message),
              reason: String(headers[HEADER.reason] ?? 'unknown'),
              deadAt: String(headers[HEADER.deadAt] ?? ''),
            });
          });
          channel.nackAll(true);
          return letters;
        });
      });
    },

    /** Moves each dead letter back with attempt 1; each is acked only after its copy was confirmed. */
    async redrive(queue: string) {
      // Not bound by the operation timeout: a long dead-letter queue takes as long as it takes.
      const connection = await link.connection(timeoutMs);
      await topology.ensure(connection, queue);
      const publisher = await openPublisher(connection);
      try {
        // Only as many as were dead at the start: a job that fails again at once is not looped.
        const { messageCount } = await publisher.channel.checkQueue(deadQueueOf(queue));
        let moved = 0;
        await drainDead(publisher.channel, queue, messageCount, async (message) => {
          const { messageId, priority } = message.properties;
          const envelope = { id: String(messageId ?? randomUUID()), attempt: 1, priority: priority as number | undefined };
          await publishConfirmed(publisher, queue, message.content, jobProperties(envelope), timeoutMs);
          publisher.channel.ack(message);
          moved++;
        });
        if (moved > 0) logger.info({ queue, moved }, 'rabbitmq: dead letters re-driven');
        return moved;
      } finally {
        await settleWithin(publisher.channel.close(), CLOSE_TIMEOUT_MS);
      }
    },

    depth(queue: string) {
      return withConnection(`count the jobs of "${queue}"`, async (connection): Promise<QueueDepth> => {
        await topology.ensure(connection, queue);
        return withChannel(connection, async (channel) => {
          const [work, retry, dead] = [await channel.checkQueue(queue), await channel.checkQueue(retryQueueOf(queue)), await channel.checkQueue(deadQueueOf(queue))];
          // Jobs held by consumers of other processes are not visible here; those of this one are.
          const inFlight = [...consumers].filter((consumer) => consumer.queue === queue).reduce((sum, consumer) => sum + consumer.inFlight(), 0);
          return { ready: work.messageCount, delayed: retry.messageCount, inFlight, dead: dead.messageCount };
        });
      });
    },

    async ping() {
      if (!link.current()) await link.connection(0);
      await withConnection('answer a ping', async (connection) => {
        const publisher = await publisherOn(connection);
        await publisher.channel.assertExchange(EXCHANGE, 'direct', { durable: true });
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...consumers].map((consumer) => consumer.stop()));
      const publisher = shared?.publisher;
      shared = undefined;
      if (publisher) await settleWithin(publisher.then((opened) => opened.channel.close()), CLOSE_TIMEOUT_MS);
      await link.close();
    },
  };
}

/** amqplib's own errors ("Channel ended, no reply will be forthcoming") do not say which system failed. */
function namingRabbitMq(error: unknown, prefix: string): Error {
  const message = describeError(error);
  return message.includes('RabbitMQ') ? (error as Error) : new Error(`${prefix}: ${message}`, { cause: error });
}

/** A dead letter whose body is not JSON is still listed, as its text. */
function parseContent(message: GetMessage): unknown {
  const text = message.content.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
