import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { createRabbitMqQueue, type Job, type JobQueue } from '../src/index';
import { describeJobQueueContract } from './contract';
import { startTcpProxy } from './tcp-proxy';

const url = process.env.AMQP_URL;
if (!url) {
  throw new Error('AMQP_URL is not set: the RabbitMQ stack tests need a live broker, e.g. AMQP_URL=amqp://guest:guest@127.0.0.1:5672');
}
const amqpUrl: string = url;
const restartCommand = process.env.GLIMPSE_RABBITMQ_RESTART_CMD;
const fastReconnect = { initial: 100, max: 1_000 };

async function removeQueues(names: string[]) {
  const connection = await connect(amqpUrl);
  const channel = await connection.createChannel();
  for (const name of names) {
    for (const queue of [name, `${name}.retry`, `${name}.dead`]) await channel.deleteQueue(queue);
  }
  await connection.close();
}

describeJobQueueContract('rabbitmq', async () => createRabbitMqQueue({ url: amqpUrl }), { removeQueues });

describe('RabbitMQ queue: broker failures', () => {
  const eventually = (assertion: () => void | Promise<void>, timeout = 20_000) => vi.waitFor(assertion, { timeout, interval: 50 });
  const usedQueues: string[] = [];
  const cleanups: Array<() => Promise<unknown>> = [];
  const newQueueName = () => {
    const name = `test-${randomUUID()}`;
    usedQueues.push(name);
    return name;
  };
  const open = (queueUrl = amqpUrl) => {
    const queue = createRabbitMqQueue({ url: queueUrl, reconnectDelayMs: fastReconnect });
    cleanups.push(() => queue.close());
    return queue;
  };
  const proxy = async () => {
    const started = await startTcpProxy(amqpUrl);
    cleanups.push(() => started.close());
    return started;
  };
  const options = { concurrency: 1, maxAttempts: 3, retryDelayMs: () => 20 };

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => removeQueues(usedQueues));

  it.skipIf(!restartCommand)(
    `keeps ready jobs and dead letters through a broker restart, and consumers resume${restartCommand ? '' : ' (skipped: GLIMPSE_RABBITMQ_RESTART_CMD is not set)'}`,
    async () => {
      const queue = open();
      const [waiting, failing, live] = [newQueueName(), newQueueName(), newQueueName()];
      for (let n = 0; n < 5; n++) await queue.publish(waiting, { n });
      const failer = queue.consume(failing, () => Promise.reject(new Error('cannot decode')), { ...options, maxAttempts: 1 });
      await queue.publish(failing, { broken: true }, { id: 'broken' });
      await eventually(async () => expect((await queue.depth(failing)).dead).toBe(1));
      await failer.stop();
      const handled: Job[] = [];
      queue.consume(live, async (job) => void handled.push(job), options);

      execSync(restartCommand!, { stdio: 'inherit', timeout: 120_000, shell: '/bin/sh' });

      await eventually(() => queue.ping(), 60_000);
      expect(await queue.depth(waiting)).toMatchObject({ ready: 5 });
      expect(await queue.deadLetters(failing)).toMatchObject([{ id: 'broken', attempts: 1, reason: 'cannot decode' }]);
      await queue.publish(live, { after: 'restart' });
      await eventually(() => expect(handled.map((job) => job.payload)).toEqual([{ after: 'restart' }]));
    },
    180_000,
  );

  it('resumes consuming after its connection drops', async () => {
    const cut = await proxy();
    const worker = open(cut.url);
    const publisher = open();
    const queueName = newQueueName();
    const seen: unknown[] = [];
    worker.consume(queueName, async (job) => void seen.push(job.payload), options);
    await publisher.publish(queueName, { n: 1 });
    await eventually(() => expect(seen).toEqual([{ n: 1 }]));

    cut.drop();
    await eventually(async () => expect((await publisher.depth(queueName)).ready).toBe(0));
    await publisher.publish(queueName, { n: 2 });
    await eventually(() => expect(seen).toEqual([{ n: 1 }, { n: 2 }]));
  });

  it('fails ping while the broker is unreachable and recovers when it is back', async () => {
    const cut = await proxy();
    const queue = open(cut.url);
    await eventually(() => queue.ping());
    await cut.refuse();
    await expect(queue.ping()).rejects.toThrow(/^RabbitMQ at amqp:\/\/127\.0\.0\.1:\d+\/ /);
    await eventually(() => expect(queue.ping()).rejects.toThrow(/^RabbitMQ at amqp:\/\/127\.0\.0\.1:\d+\/ is not reachable \(.*ECONNREFUSED/));
    await cut.restore();
    await eventually(() => queue.ping());
  });

  it('rejects a publish within 5 s, naming RabbitMQ, while the broker is down', async () => {
    const cut = await proxy();
    const queue = open(cut.url);
    await eventually(() => queue.ping());
    await cut.refuse();
    const started = Date.now();
    await expect(queue.publish(newQueueName(), { lost: false })).rejects.toThrow(/^RabbitMQ at amqp:\/\/127\.0\.0\.1:\d+\/ /);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Once the drop is noticed, a publish fails at once.
    await eventually(() => expect(queue.ping()).rejects.toThrow(/not reachable/));
    const again = Date.now();
    await expect(queue.publish(newQueueName(), { lost: false })).rejects.toThrow(/^RabbitMQ at amqp:\/\/127\.0\.0\.1:\d+\/ is not reachable/);
    expect(Date.now() - again).toBeLessThan(5_000);
  });

  it('rejects a publish within 5 s when the broker stops answering', async () => {
    const cut = await proxy();
    const queue = open(cut.url);
    const queueName = newQueueName();
    await queue.publish(queueName, { warm: true });
    cut.blackhole();
    const started = Date.now();
    await expect(queue.publish(queueName, { lost: false })).rejects.toThrow(/RabbitMQ/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('declares its queues again when someone deleted them, refusing rather than losing the job meanwhile', async () => {
    const queue = open();
    const queueName = newQueueName();
    const seen: unknown[] = [];
    queue.consume(queueName, async (job) => void seen.push(job.payload), options);
    await queue.publish(queueName, { n: 1 });
    await eventually(() => expect(seen).toEqual([{ n: 1 }]));

    const admin = await connect(amqpUrl);
    const channel = await admin.createChannel();
    await channel.deleteQueue(queueName);
    await admin.close();

    // The first publish may be refused as unroutable (never confirmed as delivered); a retry, as the outbox makes, succeeds.
    await eventually(() => queue.publish(queueName, { n: 2 }));
    await eventually(() => expect(seen).toContainEqual({ n: 2 }));
  });

  it('counts an attempt cut short by a lost connection, and dead-letters a job that keeps killing its worker', async () => {
    const cut = await proxy();
    const worker = open(cut.url);
    const publisher: JobQueue = open();
    const [retried, poison] = [newQueueName(), newQueueName()];
    let release!: () => void;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    cleanups.push(async () => release());
    const attempts: Array<[string, number]> = [];
    const handler = async (job: Job) => {
      attempts.push([job.queue, job.attempt]);
      if (job.attempt === 1) await stuck;
    };
    worker.consume(retried, handler, options);
    worker.consume(poison, handler, { ...options, maxAttempts: 1 });
    await publisher.publish(retried, { n: 1 }, { id: 'cut-short' });
    await publisher.publish(poison, { n: 2 }, { id: 'poison' });
    await eventually(() => expect(attempts).toHaveLength(2));

    cut.drop();
    await eventually(() => expect(attempts).toContainEqual([retried, 2]));
    await eventually(async () =>
      expect(await publisher.deadLetters(poison)).toMatchObject([{ id: 'poison', attempts: 1, reason: expect.stringMatching(/attempt 1 ended without a result/) }]),
    );
    expect(attempts.filter(([queue]) => queue === poison)).toHaveLength(1);
  });
});
