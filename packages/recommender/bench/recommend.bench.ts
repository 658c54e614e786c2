/**
 * Latency of the embedded recommender at the size of a busy self-hosted instance:
 * 10k images, 1k people, 50k likes (and 100k views), popularity and tags skewed as real
 * ones are (a few hits, a long tail). Run: npx tsx packages/recommender/bench/recommend.bench.ts
 */
import { performance } from 'node:perf_hooks';
import { createEmbeddedRecommender, type Feedback, type RecommenderItem } from '@glimpse/recommender';

const ITEMS = 10_000;
const USERS = 1_000;
const LIKES = 50_000;
const READS = 100_000;
const TAGS = 300;
const CALLS = 2_000;
const DAY = 86_400_000;

let state = 20_250_601;
/** mulberry32: the same catalogue on every run. */
function random(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}
/** An index in [0, size) drawn from a Zipf-like law: index 0 is the most frequent. */
const skewed = (size: number, exponent = 1.1) => Math.min(size - 1, Math.floor(size * random() ** (exponent * 2.5)));

const now = Date.now();
const items: RecommenderItem[] = Array.from({ length: ITEMS }, (_, i) => ({
  id: `img-${i}`,
  labels: Array.from({ length: 3 + Math.floor(random() * 4) }, () => `tag-${skewed(TAGS)}`),
  timestamp: new Date(now - random() * 90 * DAY),
  hidden: random() < 0.05,
  ownerId: `user-${Math.floor(random() * USERS)}`,
}));
const feedback = (type: Feedback['type'], count: number): Feedback[] =>
  Array.from({ length: count }, () => ({
    type,
    userId: `user-${skewed(USERS, 0.6)}`,
    itemId: `img-${skewed(ITEMS, 0.8)}`,
    timestamp: new Date(now - random() * 30 * DAY),
  }));

const recommender = createEmbeddedRecommender();
let started = performance.now();
await recommender.upsertItems(items);
await recommender.insertFeedback(feedback('like', LIKES));
await recommender.insertFeedback(feedback('read', READS));
const feedMs = performance.now() - started;

async function measure(name: string, call: (i: number) => Promise<string[]>): Promise<void> {
  for (let i = 0; i < 50; i++) await call(i); // warm up
  const timings: number[] = [];
  let returned = 0;
  for (let i = 0; i < CALLS; i++) {
    const start = performance.now();
    returned += (await call(i)).length;
    timings.push(performance.now() - start);
  }
  timings.sort((a, b) => a - b);
  const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]!.toFixed(2);
  console.log(`${name.padEnd(34)} p50 ${at(0.5).padStart(6)} ms   p99 ${at(0.99).padStart(6)} ms   max ${timings.at(-1)!.toFixed(2).padStart(6)} ms   (${(returned / CALLS).toFixed(1)} ids per call)`);
}

console.log(`embedded recommender: ${ITEMS} items, ${USERS} users, ${LIKES} likes, ${READS} views; fed in ${feedMs.toFixed(0)} ms; ${CALLS} calls each, node ${process.version}`);
await measure('recommend(user, 20)', (i) => recommender.recommend(`user-${(i * 7919) % USERS}`, 20));
await measure('recommend(heaviest user, 20)', () => recommender.recommend('user-0', 20));
await measure('recommend(user, 20, offset 100)', (i) => recommender.recommend(`user-${(i * 7919) % USERS}`, 20, 100));
await measure('recommend(new user, 20)', (i) => recommender.recommend(`newcomer-${i}`, 20));
await measure('popular(20)', () => recommender.popular(20));
await measure('similar(item, 20)', (i) => recommender.similar(`img-${(i * 104_729) % ITEMS}`, 20));
// A like between calls invalidates the cached popular ranking: the cost of a busy site.
await measure('recommend(user, 20) after a like', async (i) => {
  await recommender.insertFeedback([{ type: 'like', userId: `user-${i % USERS}`, itemId: `img-${(i * 31) % ITEMS}`, timestamp: new Date() }]);
  return recommender.recommend(`user-${(i * 7919) % USERS}`, 20);
});
started = performance.now();
console.log(`heaviest user has ${(await recommender.recommend('user-0', ITEMS)).length} candidates; full ranking in ${(performance.now() - started).toFixed(1)} ms`);
