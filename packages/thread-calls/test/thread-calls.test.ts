import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { THREAD_REPLIES_SOURCE, threadCalls } from '@glimpse/thread-calls';

const echoThread = () =>
  new Worker(
    `${THREAD_REPLIES_SOURCE}
require('node:worker_threads').parentPort.on('message', (m) => {
  if (m.op === 'double') reply(m.id, m.n * 2);
  else if (m.op === 'fail') refuse(m.id, Object.assign(new Error('no such thing'), { code: '42P01', hidden: 'x' }), ['code']);
  else if (m.op === 'exit') process.exit(3);
});`,
    { eval: true },
  );

describe('calls to a worker thread', () => {
  it('answers each call with its own value, in any order of arrival', async () => {
    const worker = echoThread();
    const { call } = threadCalls(worker, 'The echo thread');
    expect(await Promise.all([1, 2, 3].map((n) => call<number>({ op: 'double', n })))).toEqual([2, 4, 6]);
    await worker.terminate();
  });

  it("rejects with the thread's error and the fields asked for", async () => {
    const worker = echoThread();
    const { call } = threadCalls(worker, 'The echo thread');
    const error = (await call({ op: 'fail' }).catch((e: unknown) => e)) as Error & { code?: string; hidden?: string };
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('no such thing');
    expect(error.code).toBe('42P01');
    expect(error.hidden).toBeUndefined();
    await worker.terminate();
  });

  it('rejects the waiting call and every later one, naming the thread, when it exits', async () => {
    const worker = echoThread();
    const { call } = threadCalls(worker, 'The echo thread');
    await expect(call({ op: 'exit' })).rejects.toThrow('The echo thread has stopped (exit code 3)');
    await expect(call({ op: 'double', n: 1 })).rejects.toThrow('The echo thread has stopped (exit code 3)');
  });
});
