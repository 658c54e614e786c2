import { EmbeddedState, type StoredItem } from './embedded-state';
import { lazyRanking, neighbours, personalised, type PopularRanking, type Scored } from './embedded-scoring';
import { assertPage, type Recommender } from './recommender';

/** Views count a fifth of a like towards popularity. */
export const READ_WEIGHT = 0.2;
/** popularity = (likes + 0.2 * reads) / (ageHours + 2) ^ 1.5, as Hacker News ranks stories. */
const AGE_OFFSET_HOURS = 2;
const GRAVITY = 1.5;
/** Popularity decays continuously; a ranking this old is recomputed even without changes. */
const POPULAR_TTL_MS = 30_000;

export interface EmbeddedRecommenderOptions {
  /** The clock, in ms since the epoch (tests pin it). */
  now?: () => number;
}

/**
 * The in-process recommender of embedded mode, over what it is fed (the platform feeds it
 * from the database at start and on every change): popularity with time decay, item-item
 * co-occurrence of likes and the user's label (tag) affinity, blended (embedded-scoring.ts).
 * Every answer is a function of what it was fed and the clock; ties go to the newer item,
 * then to the smaller id.
 */
export function createEmbeddedRecommender(options: EmbeddedRecommenderOptions = {}): Recommender {
  const now = options.now ?? Date.now;
  const state = new EmbeddedState();
  let cached: (PopularRanking & { version: number; at: number }) | undefined;

  function popularRanking(): PopularRanking {
    const at = now();
    if (cached && cached.version === state.version && at - cached.at < POPULAR_TTL_MS) return cached;
    const scored: (Scored & { item: StoredItem })[] = [];
    const scoreBySlot = new Float64Array(state.slotCount);
    let max = 0;
    for (const item of state.items.values()) {
      if (item.hidden) continue;
      const score = popularity(item, at);
      scored.push({ id: item.id, score, time: item.time, item });
      scoreBySlot[item.slot] = score;
      max = Math.max(max, score);
    }
    const order = lazyRanking(scored);
    cached = { version: state.version, at, ordered: () => order, scoreBySlot, max };
    return cached;
  }

  return {
    kind: 'embedded',
    async upsertItems(items) {
      for (const item of items) state.upsertItem(item);
    },
    async removeItem(itemId) {
      state.removeItem(itemId);
    },
    async upsertUser(userId, labels) {
      state.upsertUser(userId, labels);
    },
    async insertFeedback(feedback) {
      for (const entry of feedback) state.insertFeedback(entry);
    },
    async deleteFeedback(type, userId, itemId) {
      state.deleteFeedback(type, userId, itemId);
    },
    async recommend(userId, n, offset = 0) {
      assertPage(n, offset);
      return personalised(state, userId, popularRanking(), offset + n).slice(offset);
    },
    async popular(n, offset = 0) {
      assertPage(n, offset);
      const ids: string[] = [];
      let index = 0;
      for (const item of popularRanking().ordered()) {
        if (index++ < offset) continue;
        if (ids.length >= n) break;
        ids.push(item.id);
      }
      return ids;
    },
    async similar(itemId, n) {
      assertPage(n, 0);
      return neighbours(state, itemId, n);
    },
    async clear() {
      state.clear();
      cached = undefined;
    },
    async ping() {},
  };
}

function popularity(item: StoredItem, at: number): number {
  const ageHours = Math.max(0, at - item.time) / 3_600_000;
  return (item.likers + READ_WEIGHT * item.readers) / (ageHours + AGE_OFFSET_HOURS) ** GRAVITY;
}
