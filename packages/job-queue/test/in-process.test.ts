import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createInProcessQueue, type Job } from '../src/index';
import { describeJobQueueContract } from './contract';

const directories: string[] = [];
const newDirectory = () => {
  const directory = mkdtempSync(join(tmpdir(), 'glimpse-queue-'));
  directories.push(directory);
  return directory;
};
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describeJobQueueContract('in-process, on disk', async () => createInProcessQueue(newDirectory()));
describeJobQueueContract('in-process, in memory', async () => createInProcessQueue());

describe('in-process queue durability', () => {
  const eventually = (assertion: () => void) => vi.waitFor(assertion, { timeout: 5_000, interval: 10 });
  const options = { concurrency: 1, maxAttempts: 3, retryDelayMs: () => 10 };

  it('delivers jobs published before the queue was closed once it is opened again on the same directory', async () => {
    const directory = newDirectory();
    const before = createInProcessQueue(directory);
    await before.publish('process-images', { imageId: 'one' }, { id: 'a' });
    await before.publish('process-images', { imageId: 'two' }, { id: 'b', priority: 'bulk' });
    await before.close();

    const after = createInProcessQueue(directory);
    expect(await after.depth('process-images')).toMatchObject({ ready: 2 });
    const seen: Job[] = [];
    const consumer = after.consume('process-images', async (job) => void seen.push(job), options);
    await eventually(() => expect(seen.map((job) => [job.id, job.attempt])).toEqual([['a', 1], ['b', 1]]));
    await consumer.stop();
    await after.close();
  });

  it('delivers a job that was in flight when the process died again, counting the lost attempt', async () => {
    const directory = newDirectory();
    const crashed = createInProcessQueue(directory);
    await crashed.publish('tag-images', { imageId: 'x' }, { id: 'in-flight' });
    let started = false;
    // The handler never finishes and the queue is never closed: the process "died" mid-job.
    crashed.consume('tag-images', () => ((started = true), new Promise<void>(() => {})), options);
    await eventually(() => expect(started).toBe(true));

    const restarted = createInProcessQueue(directory);
    const seen: Job[] = [];
    const consumer = restarted.consume('tag-images', async (job) => void seen.push(job), options);
    await eventually(() => expect(seen.map((job) => [job.id, job.attempt, job.isLastAttempt])).toEqual([['in-flight', 2, false]]));
    await consumer.stop();
    await restarted.close();
  });

  it('dead-letters a job that killed the process on its last attempt instead of running it again', async () => {
    const directory = newDirectory();
    let attempt = 0;
    // Each "process" takes the job and dies during it.
    for (let run = 1; run <= 2; run++) {
      const dying = createInProcessQueue(directory);
      if (run === 1) await dying.publish('index-images', { imageId: 'poison' }, { id: 'poison' });
      dying.consume('index-images', (job) => ((attempt = job.attempt), new Promise<void>(() => {})), { ...options, maxAttempts: 2 });
      await eventually(() => expect(attempt).toBe(run));
    }
    const survivor = createInProcessQueue(directory);
    let ran = false;
    const consumer = survivor.consume('index-images', async () => void (ran = true), { ...options, maxAttempts: 2 });
    await vi.waitFor(async () => expect(await survivor.deadLetters('index-images')).toMatchObject([{ id: 'poison', attempts: 2 }]), { timeout: 5_000 });
    const [letter] = await survivor.deadLetters('index-images');
    expect(letter!.reason).toMatch(/attempt 2 ended without a result/);
    expect(ran).toBe(false);
    await consumer.stop();
    await survivor.close();
  });
});
