/**
 * Embedded search index benchmark: index build time, journal replay time, and search /
 * suggest latency (p50, p99) on 10k and 100k generated documents.
 *
 *   npx tsx packages/search-index/bench/search.bench.ts [sizes…]   (default: 10000 100000)
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEmbeddedSearchIndex, type SearchDocument, type SearchIndex, type SearchQuery } from '@glimpse/search-index';
import { generateCorpus, ownerIdOf, START } from '../test/corpus';

const sizes = process.argv.slice(2).map(Number).filter((size) => size > 0);
const day = 86_400_000;
const viewer = ownerIdOf('quinn');

const searches: Array<[string, SearchQuery]> = [
  ['match all, newest (anonymous)', {}],
  ['match all, signed in', { viewerId: viewer }],
  ['one word', { q: 'sunset', viewerId: viewer }],
  ['one word with a typo', { q: 'mountian' }],
  ['two words', { q: 'golden forest' }],
  ['prefix while typing', { q: 'gla' }],
  ['filters only', { tags: ['outdoor'], colors: ['blue', 'red'], orientation: 'landscape', createdAfter: START + 3 * day }],
  ['text + filters, most liked', { q: 'iceland', tags: ['water'], colors: ['green'], sort: 'most_liked', viewerId: viewer }],
  ['match all, page 40', { page: 40, perPage: 24 }],
  ['by owner', { owner: 'alice', viewerId: viewer }],
];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1).padStart(7);

async function measure(run: () => Promise<unknown>, iterations: number): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 5; i += 1) await run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Build with the journal, restart from it, and one acknowledged write; the indexes are let go afterwards. */
async function measureDurability(corpus: SearchDocument[]) {
  const directory = await mkdtemp(join(tmpdir(), 'glimpse-search-bench-'));
  try {
    const snapshotPath = join(directory, 'index.jsonl');
    let started = performance.now();
    const durable = await createEmbeddedSearchIndex({ snapshotPath });
    for (let i = 0; i < corpus.length; i += 1_000) await durable.upsert(corpus.slice(i, i + 1_000));
    const buildMs = performance.now() - started;
    started = performance.now();
    await durable.upsert([{ ...(corpus[0] as SearchDocument), likeCount: 1_000 }]);
    const singleUpsertMs = performance.now() - started;
    started = performance.now();
    const reopened = await createEmbeddedSearchIndex({ snapshotPath });
    const reopenMs = performance.now() - started;
    if ((await reopened.count()) !== corpus.length) throw new Error('journal replay lost documents');
    const journalMb = (await stat(snapshotPath)).size / 1024 / 1024;
    return { buildMs, singleUpsertMs, reopenMs, journalMb };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function bench(size: number): Promise<void> {
  const corpus = generateCorpus(size);
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const index = await createEmbeddedSearchIndex();
  for (let i = 0; i < corpus.length; i += 1_000) await index.upsert(corpus.slice(i, i + 1_000));
  const buildMs = performance.now() - started;
  globalThis.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  const durability = await measureDurability(corpus);

  console.log(`\n== ${size.toLocaleString('en')} documents ==`);
  console.log(`index build (in memory, batches of 1,000): ${buildMs.toFixed(0)} ms (${Math.round(size / (buildMs / 1000)).toLocaleString('en')} docs/s), heap ≈ ${heapMb.toFixed(0)} MB`);
  console.log(`index build with journal on disk:          ${durability.buildMs.toFixed(0)} ms; journal ${durability.journalMb.toFixed(1)} MB`);
  console.log(`restart (journal replay + index rebuild):  ${durability.reopenMs.toFixed(0)} ms`);
  console.log(`one durable upsert (append + fdatasync):   ${durability.singleUpsertMs.toFixed(2)} ms`);

  const iterations = size > 50_000 ? 100 : 300;
  const run = (label: string, found: number | string, result: { p50: number; p99: number }) =>
    console.log(`${label.padEnd(34)} found ${String(found).padStart(7)}   p50 ${ms(result.p50)} ms   p99 ${ms(result.p99)} ms`);
  for (const [label, query] of searches) {
    const { found } = await index.search(query);
    run(label, found, await measure(() => index.search(query), iterations));
  }
  const suggestions = await index.suggest('su', viewer);
  run("suggest 'su'", suggestions.length, await measure(() => index.suggest('su', viewer), iterations));
  await probeWrites(index, corpus.length);
}

/** Searches while writes go on: the cost of keeping the index fresh as the indexer works. */
async function probeWrites(index: SearchIndex, size: number): Promise<void> {
  const corpus = generateCorpus(200, 99).map((doc) => ({ ...doc, id: `extra-${doc.id}` }));
  const started = performance.now();
  for (const doc of corpus) {
    await index.upsert([doc]);
    await index.search({ q: 'sunset' });
  }
  const each = (performance.now() - started) / corpus.length;
  console.log(`${'upsert one + search, interleaved'.padEnd(34)} ${''.padStart(13)}   mean ${ms(each)} ms  (index of ${size.toLocaleString('en')})`);
}

console.log(`Node ${process.version}, ${process.platform}/${process.arch}`);
for (const size of sizes.length > 0 ? sizes : [10_000, 100_000]) await bench(size);
