import { exponentialBackoff } from '@glimpse/backoff';
import { connect, type ChannelModel } from 'amqplib';
import type { Logger } from '@glimpse/logging';
import { describeError } from './job-queue';

/**
 * One AMQP connection kept open for the life of the queue: when it drops (a broker restart,
 * a network cut) it is opened again with backoff, and every listener hears of the new one
 * so consumers resume by themselves.
 */
export interface AmqpLink {
  /** Where the broker is, without credentials, for logs and error messages. */
  readonly target: string;
  current(): ChannelModel | undefined;
  /** The open connection; waits at most `timeoutMs` for one, then rejects naming RabbitMQ. */
  connection(timeoutMs: number): Promise<ChannelModel>;
  /** Calls `listener` with every new connection, and at once if one is open. Returns an unsubscribe. */
  onConnect(listener: (connection: ChannelModel) => void): () => void;
  close(): Promise<void>;
}

export interface AmqpLinkOptions {
  url: string;
  logger: Logger;
  reconnectDelayMs: { initial: number; max: number };
}

/** Seconds between heartbeats, so a silently dead TCP connection is noticed in under a minute. */
const HEARTBEAT_SECONDS = 15;
const CONNECT_TIMEOUT_MS = 5_000;
/** Closing politely needs the broker's answer; a broker that gives none does not hold shutdown up. */
export const CLOSE_TIMEOUT_MS = 2_000;

/** Waits for `work` at most `ms`; for cleanup that is best effort. */
export function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work.then(() => {}, () => {}), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

/** Closes a connection, and cuts its socket if the broker does not answer in time. */
async function closeConnection(connection: ChannelModel) {
  await settleWithin(connection.close(), CLOSE_TIMEOUT_MS);
  (connection.connection as { stream?: { destroy(): void } }).stream?.destroy();
}

export function parseAmqpUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('The RabbitMQ URL is not a URL; expected amqp://user:password@host:5672/vhost');
  }
  if (parsed.protocol !== 'amqp:' && parsed.protocol !== 'amqps:') {
    throw new Error(`The RabbitMQ URL must start with amqp:// or amqps://, not ${parsed.protocol}//`);
  }
  return parsed;
}

export function openAmqpLink({ url, logger, reconnectDelayMs }: AmqpLinkOptions): AmqpLink {
  const parsed = parseAmqpUrl(url);
  const target = `${parsed.protocol}//${parsed.host}${parsed.pathname || '/'}`;
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(HEARTBEAT_SECONDS));
  const connectUrl = parsed.toString();

  let current: ChannelModel | undefined;
  let closed = false;
  let failures = 0;
  let lastError: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const listeners = new Set<(connection: ChannelModel) => void>();
  const waiters = new Set<() => void>();

  const unreachable = () =>
    closed ? new Error('The RabbitMQ job queue is closed') : new Error(`RabbitMQ at ${target} is not reachable${lastError ? ` (${lastError})` : ''}`);

  async function open() {
    timer = undefined;
    if (closed) return;
    let connection: ChannelModel;
    try {
      connection = await connect(connectUrl, { timeout: CONNECT_TIMEOUT_MS, clientProperties: { connection_name: 'glimpse' } });
    } catch (error) {
      lastError = describeError(error);
      failures++;
      // Log the first failure loudly and then only now and again, not every retry.
      if (failures === 1) logger.error({ rabbitmq: target, err: lastError }, 'rabbitmq: cannot connect; retrying with backoff');
      else if (failures % 20 === 0) logger.warn({ rabbitmq: target, err: lastError, failures }, 'rabbitmq: still cannot connect');
      scheduleReconnect();
      return;
    }
    if (closed) {
      await closeConnection(connection);
      return;
    }
    connection.on('error', (error: Error) => {
      lastError = describeError(error);
    });
    connection.on('close', (error?: Error) => {
      if (current !== connection) return;
      current = undefined;
      if (error) lastError = describeError(error);
      if (closed) return;
      logger.warn({ rabbitmq: target, err: lastError }, 'rabbitmq: connection lost; reconnecting');
      scheduleReconnect();
    });
    connection.on('blocked', (reason: string) => logger.warn({ rabbitmq: target, reason }, 'rabbitmq: the broker blocked publishing'));
    connection.on('unblocked', () => logger.info({ rabbitmq: target }, 'rabbitmq: the broker unblocked publishing'));
    current = connection;
    logger.info({ rabbitmq: target, afterFailures: failures }, 'rabbitmq: connected');
    failures = 0;
    lastError = undefined;
    for (const wake of [...waiters]) wake();
    for (const listener of [...listeners]) listener(connection);
  }

  function scheduleReconnect() {
    const delay = exponentialBackoff({ baseMs: reconnectDelayMs.initial, capMs: reconnectDelayMs.max, jitter: 0.2 })(failures);
    // Not unref'd: a worker whose broker is down must keep trying, not exit.
    timer = setTimeout(() => void open(), delay);
  }

  void open();

  return {
    target,
    current: () => current,
    connection(timeoutMs) {
      if (current) return Promise.resolve(current);
      if (closed || timeoutMs <= 0) return Promise.reject(unreachable());
      return new Promise((resolve, reject) => {
        const wake = () => {
          clearTimeout(timeout);
          waiters.delete(wake);
          if (current) resolve(current);
          else reject(unreachable());
        };
        const timeout = setTimeout(wake, timeoutMs);
        waiters.add(wake);
      });
    },
    onConnect(listener) {
      listeners.add(listener);
      if (current) listener(current);
      return () => listeners.delete(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      const connection = current;
      current = undefined;
      for (const wake of [...waiters]) wake();
      listeners.clear();
      if (connection) await closeConnection(connection);
    },
  };
}
