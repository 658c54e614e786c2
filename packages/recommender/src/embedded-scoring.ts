import type { EmbeddedState, StoredItem } from './embedded-state';

/** Only the user's latest likes shape recommendations (as Gorse's `context_size`). */
const CONTEXT_SIZE = 50;
/**
 * Co-occurrence walks the latest likers of each liked item and the latest likes of each of
 * them, so that a hit with thousands of likers or a user who likes everything costs the same
 * as anyone else: at most CONTEXT_SIZE × WALK × WALK steps per request.
 */
const WALK = 25;
/** How the signals blend, each first scaled to [0, 1]. */
const BLEND = { coLiked: 1, labels: 0.5, popularity: 0.2 } as const;
/**
 * Co-liked scores shrink towards zero when few people share the likes (one coincidence among
 * four likers is not taste), and are scaled by at least CO_LIKED_CONFIDENCE, so that a user
 * whose strongest co-liked item is weak does not have that weak signal blown up to 1.
 */
const CO_LIKED_SHRINK = 5;
const CO_LIKED_CONFIDENCE = 1;
/** Declared interests (upsertUser labels) weigh as half of "every like had this label". */
const DECLARED_LABEL_WEIGHT = 0.5;
/**
 * A label carried by more than this share of the items (and by more than COMMON_LABEL_MIN)
 * says little about taste (IDF already weighs it least) and would cost a walk over a large
 * part of the catalogue on every request: affinity and neighbours leave it out.
 */
const COMMON_LABEL_SHARE = 0.01;
const COMMON_LABEL_MIN = 500;
/** The user's strongest labels (weight × IDF) that count, so a request walks a bounded part of the catalogue. */
const LABEL_CONTEXT = 16;
const isCommon = (state: EmbeddedState, holders: ReadonlySet<StoredItem>) => holders.size > COMMON_LABEL_MIN && holders.size > state.items.size * COMMON_LABEL_SHARE;
/** Shared labels weigh half as much as shared likers in `similar`. */
const SIMILAR_LABEL_WEIGHT = 0.5;

export interface Scored {
  id: string;
  score: number;
  time: number;
}

/** Visible items by popularity (best first), with their scores by slot. */
export interface PopularRanking {
  /** Best first; ordered only as far as the caller reads (most read a page or two). */
  ordered(): Iterable<StoredItem>;
  scoreBySlot: Float64Array;
  max: number;
}

/**
 * The popular order of `scored`, sorted lazily: the first PREFIX by selection (one pass and a
 * short sorted list), all of them only when a caller reads past that. Recomputed whenever
 * feedback changes, so the common case must not sort 100,000 items.
 */
export function lazyRanking(scored: Array<Scored & { item: StoredItem }>): Iterable<StoredItem> {
  const PREFIX = 1_024;
  let sorted: Array<Scored & { item: StoredItem }> | undefined;
  let full = false;
  const at = (index: number) => {
    if (!sorted || (index >= sorted.length && !full)) {
      if (index < PREFIX && scored.length > PREFIX * 4) sorted = best(scored.slice(), PREFIX) as Array<Scored & { item: StoredItem }>;
      else {
        sorted = scored.slice().sort(compareScored);
        full = true;
      }
    }
    return sorted[index]?.item;
  };
  return {
    *[Symbol.iterator]() {
      for (let index = 0; ; index++) {
        const item = at(index);
        if (!item) return;
        yield item;
      }
    },
  };
}

/** Best first; ties go to the newer item, then to the smaller id, so every answer is repeatable. */
export function compareScored(a: Scored, b: Scored): number {
  return b.score - a.score || b.time - a.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Per-item accumulators for one request, indexed by slot, and the items they touched. */
class Accumulator {
  readonly scores: Float64Array;
  readonly touched: StoredItem[] = [];
  private readonly seen: Uint8Array;
  constructor(size: number) {
    this.scores = new Float64Array(size);
    this.seen = new Uint8Array(size);
  }
  add(item: StoredItem, amount: number): void {
    if (this.seen[item.slot] === 0) {
      this.seen[item.slot] = 1;
      this.touched.push(item);
    }
    this.scores[item.slot]! += amount;
  }
  max(): number {
    let max = 0;
    for (const item of this.touched) max = Math.max(max, this.scores[item.slot]!);
    return max;
  }
}

/** The first `limit` ids for the user: scored candidates merged into the popular order. */
export function personalised(state: EmbeddedState, userId: string, popular: PopularRanking, limit: number): string[] {
  if (limit === 0) return [];
  const excluded = new Uint8Array(state.slotCount);
  for (const ids of [state.likesOf.get(userId)?.keys(), state.readsOf.get(userId), state.ownedBy.get(userId)]) {
    for (const id of ids ?? []) {
      const item = state.items.get(id);
      if (item) excluded[item.slot] = 1;
    }
  }
  const recent = state.recentLikedItems(userId).slice(0, CONTEXT_SIZE);
  const coLiked = new Accumulator(state.slotCount);
  for (const item of recent) addCoLiked(state, item, coLiked, userId);
  const labels = labelAffinity(state, userId, recent);
  const coLikedScale = Math.max(coLiked.max(), CO_LIKED_CONFIDENCE);
  const labelsScale = labels.max() || 1;
  const popularityOf = (item: StoredItem) => (popular.max > 0 ? (BLEND.popularity * popular.scoreBySlot[item.slot]!) / popular.max : 0);

  const scored: Scored[] = [];
  const taken = new Uint8Array(state.slotCount);
  for (const item of [...coLiked.touched, ...labels.touched]) {
    if (item.hidden || excluded[item.slot] || taken[item.slot]) continue;
    taken[item.slot] = 1;
    const score = (BLEND.coLiked * coLiked.scores[item.slot]!) / coLikedScale + (BLEND.labels * labels.scores[item.slot]!) / labelsScale + popularityOf(item);
    scored.push({ id: item.id, score, time: item.time });
  }
  const top = best(scored, limit);

  // Every other candidate scores by popularity alone, so the popular order is already its
  // order: merge the two sorted lists instead of scoring and sorting every item.
  const result: string[] = [];
  let next = 0;
  for (const item of popular.ordered()) {
    if (result.length >= limit) return result;
    if (excluded[item.slot] || taken[item.slot]) continue;
    const candidate = { id: item.id, score: popularityOf(item), time: item.time };
    while (next < top.length && compareScored(top[next]!, candidate) < 0 && result.length < limit) result.push(top[next++]!.id);
    if (result.length < limit) result.push(item.id);
  }
  while (next < top.length && result.length < limit) result.push(top[next++]!.id);
  return result;
}

/** Adds, for every item co-liked with `item` by its latest likers, their shrunk cosine. */
function addCoLiked(state: EmbeddedState, item: StoredItem, scores: Accumulator, exceptUser?: string): void {
  const likers = state.recentLikers(item.id);
  for (let u = 0; u < likers.length && u < WALK; u++) {
    if (likers[u] === exceptUser) continue;
    const theirLikes = state.recentLikedItems(likers[u]!);
    for (let l = 0; l < theirLikes.length && l < WALK; l++) {
      const other = theirLikes[l]!;
      if (other !== item) scores.add(other, 1 / (Math.sqrt(likers.length * other.likers) + CO_LIKED_SHRINK));
    }
  }
}

/** How much a label of an item counts: an owner's tag 1, a machine label less (by its confidence). */
const weightOf = (item: StoredItem, label: string) => item.labelWeight.get(label) ?? 0;

/**
 * How well each item's labels match the user's (an owner's tag counting more than a machine label): the share of their recent likes carrying
 * each label (plus declared interests), weighted by the label's rarity (IDF), and damped
 * for items with many labels so that a long tag list does not win by itself.
 */
function labelAffinity(state: EmbeddedState, userId: string, recent: readonly StoredItem[]): Accumulator {
  const weights = new Map<string, number>();
  for (const item of recent) {
    for (const label of item.labels) weights.set(label, (weights.get(label) ?? 0) + weightOf(item, label) / recent.length);
  }
  for (const label of state.userLabels.get(userId) ?? []) weights.set(label, (weights.get(label) ?? 0) + DECLARED_LABEL_WEIGHT);
  const affinity = new Accumulator(state.slotCount);
  const strongest = [...weights]
    .flatMap(([label, weight]) => {
      const holders = state.itemsWithLabel.get(label);
      return holders && !isCommon(state, holders) ? [{ label, holders, amount: weight * state.idf(label) }] : [];
    })
    .sort((a, b) => b.amount - a.amount || (a.label < b.label ? -1 : 1))
    .slice(0, LABEL_CONTEXT);
  for (const { label, holders, amount } of strongest) for (const item of holders) affinity.add(item, amount * weightOf(item, label));
  for (const item of affinity.touched) affinity.scores[item.slot]! /= Math.sqrt(item.labels.length);
  return affinity;
}

/** Neighbours of an item: shrunk cosine of their likers plus half the IDF-weighted cosine of their labels. */
export function neighbours(state: EmbeddedState, itemId: string, n: number): string[] {
  const item = state.items.get(itemId);
  if (!item || n === 0) return [];
  const scores = new Accumulator(state.slotCount);
  addCoLiked(state, item, scores);
  // Unweighted norms: a shared machine label counts its weight, and is not scaled back up by a small norm.
  const labelNorm = (of: StoredItem) => of.labels.reduce((sum, label) => sum + state.idf(label), 0);
  const shared = new Accumulator(state.slotCount);
  for (const label of item.labels) {
    const holders = state.itemsWithLabel.get(label);
    if (!holders || isCommon(state, holders)) continue;
    const idf = state.idf(label);
    for (const other of holders) if (other !== item) shared.add(other, idf * weightOf(item, label) * weightOf(other, label));
  }
  const ownNorm = labelNorm(item);
  for (const other of shared.touched) {
    scores.add(other, (SIMILAR_LABEL_WEIGHT * shared.scores[other.slot]!) / Math.sqrt(ownNorm * labelNorm(other) || 1));
  }
  const scored: Scored[] = [];
  for (const other of scores.touched) {
    if (!other.hidden && scores.scores[other.slot]! > 0) scored.push({ id: other.id, score: scores.scores[other.slot]!, time: other.time });
  }
  return best(scored, n).map((entry) => entry.id);
}

/** The best `k` entries, sorted, without sorting all of them when k is small. */
export function best(scored: Scored[], k: number): Scored[] {
  if (scored.length <= k * 4) return scored.sort(compareScored).slice(0, k);
  const kept: Scored[] = [];
  for (const entry of scored) {
    if (kept.length === k && compareScored(entry, kept[k - 1]!) >= 0) continue;
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareScored(kept[middle]!, entry) < 0) low = middle + 1;
      else high = middle;
    }
    kept.splice(low, 0, entry);
    if (kept.length > k) kept.pop();
  }
  return kept;
}
