/**
 * Embedded search index benchmark: the inverted index against the previous implementation
 * (MiniSearch, bench/previous/), in one run. Each engine lives in its own child process (so
 * neither's heap or garbage collection lands on the other's figures), and the parent asks
 * them for rounds of searches in turn, so a busy machine slows both alike. Prints indexing
 * rate, heap, journal replay, and per query p50/p99 of wall and CPU time, with the ratio
 * previous / new.
 *
 *   npm run bench:search -- [sizes…]            (default: 100000)
 *   taskset -c 0 npm run bench:search           (one core, as the goals are stated)
 *
 * The corpus is the tests' generated one, with three words from a 20,000-word vocabulary
 * added to every description, so prefixes and typos are looked up in a vocabulary the size
 * of a real library's, not the generator's few hundred words.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createEmbeddedSearchIndex, type SearchDocument, type SearchIndex, type SearchQuery } from '@glimpse/search-index';
import { generateCorpus, ownerIdOf, START } from '../test/corpus';
import { createPreviousEmbeddedSearchIndex } from './previous/embedded';

const day = 86_400_000;
const viewer = ownerIdOf('quinn');

/** Goals from issue 12, at 100,000 documents on one core. */
const GOALS = { oneWordP99: 10, filteredP99: 25, docsPerSecond: 20_000 };

const searches: Array<[string, SearchQuery]> = [
  ['one word', { q: 'sunset', viewerId: viewer }],
  ['filtered + faceted + sorted', { q: 'forest', tags: ['outdoor'], colors: ['green', 'blue'], orientation: 'landscape', createdAfter: START + 30 * day, sort: 'most_liked', viewerId: viewer }],
  ['match all, newest (anonymous)', {}],
  ['match all, signed in, page 40', { viewerId: viewer, page: 40 }],
  ['filters only, most liked', { tags: ['outdoor'], colors: ['blue', 'red'], orientation: 'landscape', createdAfter: START + 3 * day, sort: 'most_liked' }],
  ['one word with a typo', { q: 'mountian' }],
  ['transposition (brigde)', { q: 'brigde' }],
  ['two words', { q: 'golden forest' }],
  ['stop words (a misty forest in peru)', { q: 'a misty forest in peru' }],
  ['prefix while typing', { q: 'gla' }],
  ['text + filters, most liked', { q: 'iceland', tags: ['water'], colors: ['green'], sort: 'most_liked', viewerId: viewer }],
  ['by owner', { owner: 'alice', viewerId: viewer }],
];

/** 20,000 pronounceable made-up words, the same every run. */
function extraVocabulary(): string[] {
  const consonants = 'bcdfghjklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  let state = 12345;
  const next = (below: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 8) % below;
  };
  while (words.size < 20_000) {
    let word = '';
    const syllables = 2 + next(3);
    for (let i = 0; i < syllables; i += 1) word += `${consonants.charAt(next(consonants.length))}${vowels.charAt(next(vowels.length))}`;
    words.add(word);
  }
  return [...words];
}

function benchCorpus(size: number): SearchDocument[] {
  const extra = extraVocabulary();
  return generateCorpus(size).map((doc, index) => ({
    ...doc,
    description: `${doc.description} ${extra[(index * 7) % extra.length]} ${extra[(index * 13 + 5) % extra.length]} ${extra[(index * 31 + 11) % extra.length]}`,
  }));
}

type Open = (options?: { snapshotPath?: string }) => Promise<SearchIndex>;
const engines: Record<string, { label: string; open: Open }> = {
  previous: { label: 'previous (MiniSearch)', open: createPreviousEmbeddedSearchIndex },
  new: { label: 'new (inverted index)', open: createEmbeddedSearchIndex },
};

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
};
const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1).padStart(7);
const heapMb = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

async function build(open: Open, corpus: SearchDocument[], snapshotPath?: string) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const index = await open({ snapshotPath });
  for (let i = 0; i < corpus.length; i += 1_000) await index.upsert(corpus.slice(i, i + 1_000));
  const used = process.cpuUsage(cpu);
  return { index, seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** Journal replay: build with the journal, then open a second index from it. */
async function restart(open: Open, corpus: SearchDocument[]): Promise<{ seconds: number; journalMb: number }> {
  const directory = await mkdtemp(join(tmpdir(), 'glimpse-search-bench-'));
  try {
    const snapshotPath = join(directory, 'index.jsonl');
    await build(open, corpus, snapshotPath);
    const started = performance.now();
    const reopened = await open({ snapshotPath });
    const seconds = (performance.now() - started) / 1000;
    if ((await reopened.count()) !== corpus.length) throw new Error('journal replay lost documents');
    return { seconds, journalMb: (await stat(snapshotPath)).size / 1024 / 1024 };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

interface Built {
  docsPerSecond: number;
  /** Documents per second of CPU time: what one core indexes when nothing else runs on it. */
  docsPerCpuSecond: number;
  heapMb: number;
  restartSeconds: number;
  journalMb: number;
}
interface Round {
  found: number;
  wall: number[];
  cpu: number[];
}
type Request = { kind: 'round'; query: SearchQuery; searches: number; budgetMs: number } | { kind: 'exit' };

/** A child process: builds one engine's index, then answers rounds of searches. */
async function serve(engine: string, size: number): Promise<void> {
  const { open } = engines[engine] as { open: Open };
  const corpus = benchCorpus(size);
  const before = heapMb();
  const first = await build(open, corpus);
  const [firstRate, firstCpuRate] = [size / first.seconds, size / first.cpuSeconds];
  first.index = undefined as unknown as SearchIndex;
  const second = await build(open, corpus);
  const built: Built = {
    docsPerSecond: Math.max(firstRate, size / second.seconds),
    docsPerCpuSecond: Math.max(firstCpuRate, size / second.cpuSeconds),
    heapMb: heapMb() - before,
    ...(await restart(open, corpus).then((restarted) => ({ restartSeconds: restarted.seconds, journalMb: restarted.journalMb }))),
  };
  const { index } = second;
  // Settle: what building left for the collector is collected before anything is timed.
  heapMb();
  for (const [, query] of searches) for (let i = 0; i < 20; i += 1) await index.search(query);
  process.send?.({ kind: 'built', built });
  process.on('message', async (request: Request) => {
    if (request.kind === 'exit') process.exit(0);
    const round: Round = { found: (await index.search(request.query)).found, wall: [], cpu: [] };
    const started = performance.now();
    for (let i = 0; i < request.searches && performance.now() - started < request.budgetMs; i += 1) {
      const cpu = process.cpuUsage();
      const begun = performance.now();
      await index.search(request.query);
      round.wall.push(performance.now() - begun);
      const used = process.cpuUsage(cpu);
      round.cpu.push((used.user + used.system) / 1000);
    }
    process.send?.({ kind: 'round', round });
  });
}

class Engine {
  private readonly child: ChildProcess;
  /** Messages not yet asked for (the child may finish building before the parent asks). */
  private readonly inbox: Array<{ kind: string; built?: Built; round?: Round }> = [];
  private waiting?: () => void;

  constructor(
    readonly name: string,
    size: number,
  ) {
    this.child = fork(fileURLToPath(import.meta.url), ['--serve', name, String(size)], { execArgv: [...process.execArgv, '--expose-gc'] });
    this.child.on('message', (message: { kind: string }) => {
      this.inbox.push(message);
      this.waiting?.();
    });
    this.child.on('exit', (code) => {
      if (code === 0) return;
      console.error(`the ${name} engine's process exited with ${code}`);
      process.exit(1);
    });
  }

  private next<T>(pick: (message: { kind: string; built?: Built; round?: Round }) => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      this.waiting = () => {
        const message = this.inbox.shift();
        const value = message && pick(message);
        if (value === undefined) return;
        this.waiting = undefined;
        resolve(value);
      };
      if (this.inbox.length > 0) this.waiting();
    });
  }

  built(): Promise<Built> {
    return this.next((message) => message.built);
  }

  round(query: SearchQuery, searches: number, budgetMs: number): Promise<Round> {
    const reply = this.next((message) => message.round);
    this.child.send({ kind: 'round', query, searches, budgetMs } satisfies Request);
    return reply;
  }

  exit(): void {
    this.child.send({ kind: 'exit' } satisfies Request);
  }
}

async function bench(size: number): Promise<void> {
  console.log(`\n== ${size.toLocaleString('en')} documents ==`);
  // One after the other, so neither build slows the other.
  const previous = new Engine('previous', size);
  const previousBuilt = await previous.built();
  const current = new Engine('new', size);
  const currentBuilt = await current.built();
  const row = (label: string, values: string[]) => console.log(`${label.padEnd(38)}${values.map((value) => value.padStart(24)).join('')}`);
  row('', [engines.previous?.label as string, engines.new?.label as string]);
  const both = (pick: (built: Built) => string) => [pick(previousBuilt), pick(currentBuilt)];
  row('indexing, docs/s wall (best of 2)', both((built) => Math.round(built.docsPerSecond).toLocaleString('en')));
  row('indexing, docs per CPU second', both((built) => Math.round(built.docsPerCpuSecond).toLocaleString('en')));
  row('heap of the index (after GC), MB', both((built) => built.heapMb.toFixed(0)));
  row('restart from journal, s', both((built) => built.restartSeconds.toFixed(2)));
  row('journal on disk, MB', both((built) => built.journalMb.toFixed(1)));

  console.log(`\n${'query'.padEnd(38)}${'found'.padStart(8)}   ${'previous p50/p99 ms'.padStart(20)}   ${'new p50/p99 ms'.padStart(20)}   ${'new CPU p50/p99'.padStart(16)}   ratio p50`);
  // Rounds of up to 40 searches (or 0.5 s) per engine, alternating, 5 rounds each.
  const summary: Record<string, { p99: number; cpuP99: number }> = {};
  for (const [label, query] of searches) {
    const times = { previous: { wall: [] as number[], cpu: [] as number[], found: 0 }, current: { wall: [] as number[], cpu: [] as number[], found: 0 } };
    for (let round = 0; round < 5; round += 1) {
      for (const [engine, into] of [[previous, times.previous], [current, times.current]] as const) {
        const answer = await engine.round(query, 40, 500);
        into.found = answer.found;
        into.wall.push(...answer.wall);
        into.cpu.push(...answer.cpu);
      }
    }
    const pair = (wall: number[]) => `${ms(percentile(wall, 50))} /${ms(percentile(wall, 99))}`;
    const found = times.previous.found === times.current.found ? String(times.current.found) : `${times.previous.found}→${times.current.found}`;
    const ratio = percentile(times.previous.wall, 50) / percentile(times.current.wall, 50);
    console.log(
      `${label.padEnd(38)}${found.padStart(8)}   ${pair(times.previous.wall).padStart(20)}   ${pair(times.current.wall).padStart(20)}   ${pair(times.current.cpu).padStart(16)}   ${ratio.toFixed(1).padStart(6)}×`,
    );
    summary[label] = { p99: percentile(times.current.wall, 99), cpuP99: percentile(times.current.cpu, 99) };
  }
  previous.exit();
  current.exit();

  const check = (ok: boolean) => (ok ? 'meets' : 'MISSES');
  const oneWord = summary['one word'] as { p99: number; cpuP99: number };
  const filtered = summary['filtered + faceted + sorted'] as { p99: number; cpuP99: number };
  console.log(`\ngoals of issue 12 (at 100,000 documents, one core), new engine:`);
  console.log(`  one word p99 ≤ ${GOALS.oneWordP99} ms: wall ${oneWord.p99.toFixed(2)} ms, CPU ${oneWord.cpuP99.toFixed(2)} ms — ${check(oneWord.cpuP99 <= GOALS.oneWordP99)}`);
  console.log(`  filtered + faceted + sorted p99 ≤ ${GOALS.filteredP99} ms: wall ${filtered.p99.toFixed(2)} ms, CPU ${filtered.cpuP99.toFixed(2)} ms — ${check(filtered.cpuP99 <= GOALS.filteredP99)}`);
  console.log(
    `  indexing ≥ ${GOALS.docsPerSecond.toLocaleString('en')} docs/s: wall ${Math.round(currentBuilt.docsPerSecond).toLocaleString('en')}, per CPU second ${Math.round(currentBuilt.docsPerCpuSecond).toLocaleString('en')} — ${check(currentBuilt.docsPerCpuSecond >= GOALS.docsPerSecond)}`,
  );
}

const served = process.argv.indexOf('--serve');
if (served >= 0) {
  await serve(process.argv[served + 1] as string, Number(process.argv[served + 2]));
} else {
  const sizes = process.argv.slice(2).map(Number).filter((size) => size > 0);
  console.log(`Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
  for (const size of sizes.length > 0 ? sizes : [100_000]) await bench(size);
}
