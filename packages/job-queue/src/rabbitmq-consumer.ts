import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from '@glimpse/logging';
import type { ConsumeOptions, Consumer, JobHandler } from './job-queue';
import { describeError, jobRetryBackoff } from './job-queue';
import { CLOSE_TIMEOUT_MS, settleWithin, type AmqpLink } from './rabbitmq-link';
import {
  attemptOf,
  deadHeaders,
  deadQueueOf,
  jobProperties,
  openPublisher,
  publishConfirmed,
  retryQueueOf,
  type Publisher,
  type TopologyCache,
} from './rabbitmq-topology';

export interface ConsumerContext {
  link: AmqpLink;
  topology: TopologyCache;
  logger: Logger;
  publishTimeoutMs: number;
}

export interface RabbitMqConsumer extends Consumer {
  readonly queue: string;
  inFlight(): number;
}

const REATTACH_DELAY_MS = 1_000;

/**
 * One consumer on its own confirm channel, with prefetch = concurrency, re-attached on every
 * new connection. A job is acknowledged only after its handler resolved, or after its retry
 * or dead letter was confirmed by the broker.
 *
 * A delivery flagged `redelivered` was handed out before and never acknowledged: the worker
 * crashed or lost its connection mid-job. That counts as a failed attempt; it is re-published
 * to the retry queue with attempt + 1 (or dead-lettered) *before* the handler runs again, so a
 * job that kills its worker every time still ends in the dead-letter queue.
 */
export function startRabbitMqConsumer(context: ConsumerContext, queue: string, handler: JobHandler, options: ConsumeOptions): RabbitMqConsumer {
  const { link, topology, logger, publishTimeoutMs } = context;
  const { concurrency, maxAttempts } = options;
  const retryDelayMs = options.retryDelayMs ?? jobRetryBackoff();
  const log = logger.child({ queue });
  const running = new Set<Promise<void>>();
  type Session = { connection: ChannelModel; publisher: Publisher; consumerTag?: string };
  let session: Session | undefined;
  let attachingOn: ChannelModel | undefined;
  const attaching = new Set<Promise<void>>();
  let reattachTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  /** Set once stop() has taken the session it will cancel; a consumer attached after that closes itself. */
  let stopTookSession = false;

  /** After a channel failure; a new connection also attaches through onConnect, whichever comes first. */
  function reattachLater() {
    if (stopping || reattachTimer) return;
    reattachTimer = setTimeout(() => {
      reattachTimer = undefined;
      const connection = link.current();
      if (connection) startAttach(connection);
    }, REATTACH_DELAY_MS);
  }

  function startAttach(connection: ChannelModel) {
    const run = attach(connection).finally(() => attaching.delete(run));
    attaching.add(run);
  }

  async function attach(connection: ChannelModel) {
    const attached = session?.connection === connection && !session.publisher.closed;
    if (stopping || link.current() !== connection || attached || attachingOn === connection) return;
    attachingOn = connection;
    let publisher: Publisher | undefined;
    try {
      await topology.ensure(connection, queue);
      publisher = await openPublisher(connection);
      const current: Session = { connection, publisher };
      publisher.channel.on('close', () => {
        if (session === current) session = undefined;
        if (!stopping && link.current() === connection) log.warn('rabbitmq: consumer channel closed; re-attaching');
        reattachLater();
      });
      await publisher.channel.prefetch(concurrency);
      session = current;
      const { consumerTag } = await publisher.channel.consume(queue, (message) => onMessage(current.publisher, message), { noAck: false });
      current.consumerTag = consumerTag;
      if (stopTookSession) {
        void publisher.channel.close().catch(() => {});
        return;
      }
      log.info({ concurrency, maxAttempts }, 'rabbitmq: consuming');
    } catch (error) {
      if (stopping) return;
      log.error({ err: describeError(error) }, 'rabbitmq: could not start consuming; will try again');
      if (publisher && !publisher.closed) void publisher.channel.close().catch(() => {});
      reattachLater();
    } finally {
      if (attachingOn === connection) attachingOn = undefined;
    }
  }

  function onMessage(publisher: Publisher, message: ConsumeMessage | null) {
    if (message === null) {
      // The broker cancelled us (the queue was deleted): declare it again on a fresh channel.
      log.warn('rabbitmq: the broker cancelled the consumer');
      const connection = link.current();
      if (connection) topology.forget(connection, queue);
      void publisher.channel.close().catch(() => {});
      return;
    }
    const work = handle(publisher, message)
      .catch((error: unknown) => log.error({ err: describeError(error) }, 'rabbitmq: job left unsettled'))
      .finally(() => running.delete(work));
    running.add(work);
  }

  async function handle(publisher: Publisher, message: ConsumeMessage) {
    const attempt = attemptOf(message);
    const id = message.properties.messageId ? String(message.properties.messageId) : `delivery-${message.fields.deliveryTag}`;
    if (message.fields.redelivered) {
      log.warn({ jobId: id, attempt }, 'rabbitmq: job redelivered after an unfinished attempt');
      return fail(publisher, message, id, attempt, `attempt ${attempt} ended without a result: the worker stopped or lost its connection before finishing it`);
    }
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch {
      return fail(publisher, message, id, maxAttempts, 'the job payload is not valid JSON');
    }
    try {
      await handler({ id, queue, payload, attempt, maxAttempts, isLastAttempt: attempt >= maxAttempts });
    } catch (error) {
      return fail(publisher, message, id, attempt, describeError(error));
    }
    acknowledge(publisher, message, id);
  }

  /** Retries the job with the next attempt number after its backoff, or dead-letters it; then acks this delivery. */
  async function fail(publisher: Publisher, message: ConsumeMessage, id: string, attempt: number, reason: string) {
    const { content, properties } = message;
    const retry = attempt < maxAttempts;
    const envelope = retry
      ? { id, attempt: attempt + 1, priority: properties.priority as number | undefined, expiration: retryDelayMs(attempt) }
      : { id, attempt, priority: properties.priority as number | undefined, headers: deadHeaders(reason) };
    try {
      await publishConfirmed(publisher, retry ? retryQueueOf(queue) : deadQueueOf(queue), content, jobProperties(envelope), publishTimeoutMs);
    } catch (error) {
      // Give the delivery back: it returns flagged `redelivered`, which counts this attempt.
      log.error({ jobId: id, attempt, err: describeError(error) }, 'rabbitmq: could not re-queue a failed job; returning it to the queue');
      await new Promise((resolve) => setTimeout(resolve, REATTACH_DELAY_MS));
      const connection = link.current();
      if (connection) topology.forget(connection, queue);
      if (!publisher.closed) publisher.channel.nack(message, false, true);
      return;
    }
    if (retry) log.warn({ jobId: id, attempt, reason }, 'rabbitmq: job failed; will retry');
    else log.error({ jobId: id, attempt, reason }, 'rabbitmq: job failed for the last time; dead-lettered');
    acknowledge(publisher, message, id);
  }

  function acknowledge(publisher: Publisher, message: ConsumeMessage, id: string) {
    if (publisher.closed) {
      log.warn({ jobId: id }, 'rabbitmq: channel closed before the ack; the job will be delivered again');
      return;
    }
    publisher.channel.ack(message);
  }

  const unsubscribe = link.onConnect(startAttach);

  return {
    queue,
    inFlight: () => running.size,
    stop() {
      stopping ??= (async () => {
        unsubscribe();
        clearTimeout(reattachTimer);
        // An attach under way finishes (or gives up) first, so its consumer is cancelled too.
        await settleWithin(Promise.allSettled([...attaching]), publishTimeoutMs);
        const current = session;
        stopTookSession = true;
        if (current?.consumerTag && !current.publisher.closed) {
          await settleWithin(current.publisher.channel.cancel(current.consumerTag), CLOSE_TIMEOUT_MS);
        }
        // Deliveries that arrived before the cancel was confirmed are handled too.
        while (running.size > 0) await Promise.allSettled([...running]);
        if (current && !current.publisher.closed) await settleWithin(current.publisher.channel.close(), CLOSE_TIMEOUT_MS);
        log.info('rabbitmq: consumer stopped');
      })();
      return stopping;
    },
  };
}
