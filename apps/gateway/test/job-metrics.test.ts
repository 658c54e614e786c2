import { solid, until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './harness';

/** What an operator's Prometheus scrapes from every process that handles jobs (the chart's alerts watch these). */
let glimpse: TestGateway;
beforeAll(async () => {
  glimpse = await startTestGateway();
});
afterAll(() => glimpse?.stop());

const sample = (text: string, name: string, labels: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
};

describe('job metrics on /metrics', () => {
  it('counts processed jobs per queue, times them, and reports queue depth and dead letters', async () => {
    const alice = await glimpse.signUp('alice');
    const before = await (await glimpse.get('/metrics')).text();
    expect(sample(before, 'glimpse_jobs_total', 'queue="process-images",outcome="processed"')).toBe(0);

    for (const colour of ['#102030', '#304050']) {
      const id = await glimpse.uploadOk(alice, await solid(30, 20, colour).png().toBuffer());
      expect((await glimpse.settle(alice, id)).status).toBe('ready');
    }
    const after = await (await glimpse.get('/metrics')).text();
    expect(sample(after, 'glimpse_jobs_total', 'queue="process-images",outcome="processed"')).toBe(2);
    expect(sample(after, 'glimpse_jobs_total', 'queue="process-images",outcome="dead_lettered"')).toBe(0);
    expect(sample(after, 'glimpse_job_duration_seconds_count', 'queue="process-images"')).toBe(2);
    expect(sample(after, 'glimpse_queue_depth', 'queue="process-images"')).toBe(0);
    expect(sample(after, 'glimpse_dead_letters', 'queue="process-images"')).toBe(0);
    // The indexer's jobs are counted too (each ready image is indexed, a moment later).
    const indexed = async () => sample(await (await glimpse.get('/metrics')).text(), 'glimpse_jobs_total', 'queue="index-images",outcome="processed"') ?? 0;
    await until(indexed, (count) => count >= 2, 'both images to be indexed');
  });
});
