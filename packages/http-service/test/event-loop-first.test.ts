import { readFileSync } from 'node:fs';
import { getPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { BACKGROUND_THREAD_NICENESS, keepEventLoopFirst } from '../src/index';

/** A worker thread that reports its own thread id and stays until terminated. */
async function startThread(): Promise<{ tid: number; stop: () => Promise<number> }> {
  const worker = new Worker(`const { parentPort } = require('node:worker_threads'); const tid = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop()); parentPort.postMessage(tid); setInterval(() => {}, 1000);`, { eval: true });
  const tid = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { tid, stop: () => worker.terminate() };
}

/** The nice value the kernel holds for one thread (field 19 of its stat line). */
const niceOf = (tid: number) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);

let stop: (() => void) | undefined;
const threads: Array<{ stop: () => Promise<number> }> = [];
afterEach(async () => {
  stop?.();
  for (const thread of threads.splice(0)) await thread.stop();
});

describe.runIf(process.platform === 'linux')('keepEventLoopFirst', () => {
  it('lowers every other thread, those that exist and those started later, and leaves the event loop where it was', async () => {
    const base = getPriority(process.pid);
    const before = await startThread();
    threads.push(before);
    stop = keepEventLoopFirst();
    const later = await startThread();
    threads.push(later);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const lowered = Math.min(19, base + BACKGROUND_THREAD_NICENESS);
    expect(niceOf(before.tid), 'a thread that was there before').toBe(lowered);
    expect(niceOf(later.tid), 'a thread started afterwards').toBe(lowered);
    expect(niceOf(process.pid), 'the event loop').toBe(base);
  });
});
