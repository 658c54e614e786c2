import { rankFacet, tagFieldOf, type NormalizedQuery } from './query';
import type { FacetCount, SearchDocument, SearchResult } from './search-index';
import { LAYOUT, PUBLIC, ORIENTATIONS, WEIGHT_OF_FIELDS, type DocumentStore } from './embedded-store';
import type { PostingList, Vocabulary } from './embedded-vocabulary';
import { COMPLETE_MATCH_BONUS, MATCH_QUALITY, PHRASE_BONUS, PHRASE_FIELDS, planText, wordsNeeded, type TextPlan, type TextTerm } from './text-plan';

/**
 * A search over the embedded store: the text's posting lists are walked once each,
 * marking the slots that hold every required word (no list is merged or sorted), then
 * visibility and filters are checked on the survivors' columns, and from that one set
 * come the page (a partial sort), `found` and the facets (counted into arrays).
 */

/** A posting list and how much a match in it counts (by how the word matched). */
interface Expansion {
  postings: PostingList;
  quality: number;
}

/** Per-slot scratch space, reused by every search; `stage` values from earlier searches are always below `epoch`. */
class Scratch {
  stage = new Uint32Array(0);
  score = new Float64Array(0);
  best = new Float64Array(0);
  /** How many required words a slot holds, and the last term that counted it. */
  count = new Uint8Array(0);
  term = new Uint32Array(0);
  /** The matches of the search under way, in `matches[0..found)`. */
  matches = new Int32Array(0);
  found = 0;
  epoch = 1;

  /** Room for `slots`, and a fresh range of `stages` stage numbers; returns the first. */
  begin(slots: number, stages: number): number {
    if (this.stage.length < slots) {
      const size = Math.max(slots, this.stage.length * 2, 1_024);
      this.stage = new Uint32Array(size);
      this.score = new Float64Array(size);
      this.best = new Float64Array(size);
      this.count = new Uint8Array(size);
      this.term = new Uint32Array(size);
      this.matches = new Int32Array(size);
      this.epoch = 1;
    }
    this.found = 0;
    if (this.epoch + stages + 2 >= 0xffff_ffff) {
      this.stage.fill(0);
      this.term.fill(0);
      this.epoch = 1;
    }
    const first = this.epoch;
    this.epoch += stages + 2;
    return first;
  }
}

export function createSearcher(store: DocumentStore): (query: NormalizedQuery) => SearchResult {
  const scratch = new Scratch();

  /** Visibility and every filter of the query as a test of a slot; null when nothing can pass (an unknown tag or owner). */
  const filterOf = (query: NormalizedQuery): ((slot: number) => boolean) | null => {
    const viewer = query.viewerId === null ? -1 : (store.owners.get(query.viewerId) ?? -1);
    const tagIds = query.tags.map((tag) => store.tags.get(tag));
    if (tagIds.some((id) => id === undefined)) return null;
    const colorIds = query.colors.map((color) => store.colors.get(color)).filter((id): id is number => id !== undefined);
    if (query.colors.length > 0 && colorIds.length === 0) return null;
    const username = query.owner === undefined ? undefined : store.usernames.get(query.owner);
    if (query.owner !== undefined && username === undefined) return null;
    // Any of the cameras, whatever their case: the ids of every spelling that matches one.
    const cameraIds = new Set<number>();
    if (query.camera.length > 0) {
      store.cameras.values.forEach((label, id) => {
        if (query.camera.includes(label.toLowerCase())) cameraIds.add(id);
      });
      if (cameraIds.size === 0) return null;
    }
    const orientation = query.orientation === undefined ? -1 : ORIENTATIONS.indexOf(query.orientation);
    const after = query.createdAfter ?? -Infinity;
    const before = query.createdBefore ?? Infinity;
    const excluded = new Set(query.excludeIds.flatMap((id) => store.slotOf.get(id) ?? []));
    const { visibility, owner, createdAt, pool, runStart } = store;
    const sourceField = query.tags.length > 0 && query.tagSource !== 'any' ? (tagFieldOf(query.tagSource) as 'userTags' | 'machineTags') : undefined;
    return (slot) => {
      if (visibility[slot] !== PUBLIC && owner[slot] !== viewer) return false;
      if (excluded.size > 0 && excluded.has(slot)) return false;
      if (orientation >= 0 && store.orientation[slot] !== orientation) return false;
      if (username !== undefined && store.username[slot] !== username) return false;
      if (cameraIds.size > 0 && !cameraIds.has(store.camera[slot] as number)) return false;
      const created = createdAt[slot] as number;
      if (created < after || created > before) return false;
      if (tagIds.length > 0 || colorIds.length > 0) {
        const base = runStart[slot] as number;
        const tagEnd = base + LAYOUT.start + (pool[base + LAYOUT.tags] as number);
        const colorEnd = tagEnd + (pool[base + LAYOUT.colors] as number);
        for (const id of tagIds) {
          if (!includesBetween(pool, id as number, base + LAYOUT.start, tagEnd)) return false;
        }
        if (colorIds.length > 0 && !colorIds.some((id) => includesBetween(pool, id, tagEnd, colorEnd))) return false;
      }
      // Few slots get here (they carry every tag already): the source is read off the document.
      if (sourceField !== undefined) {
        const ofSource = (store.docs[slot] as SearchDocument)[sourceField];
        if (!query.tags.every((tag) => ofSource.includes(tag))) return false;
      }
      return true;
    };
  };

  /** The posting lists a term matches: the word as spelt, longer words when it is the prefix, near words in the typo pass. */
  const expansionsOf = (term: TextTerm, withTypos: boolean): Expansion[] => {
    const { words } = store;
    const expansions: Expansion[] = [];
    const add = (id: number | undefined, quality: number) => {
      const postings = id === undefined ? undefined : words.postings[id];
      if (postings && postings.length > 0) expansions.push({ postings, quality });
    };
    add(words.get(term.word), MATCH_QUALITY.exact);
    if (term.prefix) for (const id of words.longerWithPrefix(term.word)) add(id, MATCH_QUALITY.prefix);
    if (withTypos && term.typos > 0) for (const { id, typos } of words.withinTypos(term.word, term.typos)) add(id, MATCH_QUALITY.typo / typos);
    return expansions;
  };

  /**
   * The slots holding the required words (all of them, or all but one in a long query: `wordsNeeded`)
   * and passing `keep`, with their text scores in `scratch.score` (optional words and phrases included).
   */
  const textMatches = (plan: TextPlan, keep: (slot: number) => boolean, withTypos: boolean): Int32Array => {
    const required = plan.terms.filter((term) => !term.optional).map((term) => expansionsOf(term, withTypos));
    const needed = wordsNeeded(required.length);
    const present = required.filter((expansions) => expansions.length > 0);
    if (required.length === 0 || present.length < needed) return new Int32Array(0);
    const size = (expansions: Expansion[]) => expansions.reduce((sum, expansion) => sum + expansion.postings.length, 0);
    present.sort((a, b) => size(a) - size(b));
    const touched = scratch.begin(store.slots, present.length + 2);
    const collected = touched + present.length + 1;
    const { stage, score, best, count, term } = scratch;
    present.forEach((expansions, index) => {
      const mark = touched + 1 + index;
      // A slot may hold several words a term matches (a prefix's completions): it keeps the best.
      for (const { postings, quality } of expansions) {
        const { slots, fields, length } = postings;
        for (let at = 0; at < length; at += 1) {
          const slot = slots[at] as number;
          const weight = (WEIGHT_OF_FIELDS[fields[at] as number] as number) * quality;
          if (stage[slot] !== touched) {
            stage[slot] = touched;
            count[slot] = 0;
            score[slot] = 0;
          }
          if (term[slot] !== mark) {
            term[slot] = mark;
            count[slot] = (count[slot] as number) + 1;
            best[slot] = weight;
          } else if (weight > (best[slot] as number)) best[slot] = weight;
        }
      }
      for (const { postings } of expansions) {
        const { slots, length } = postings;
        for (let at = 0; at < length; at += 1) {
          const slot = slots[at] as number;
          if (term[slot] === mark && (best[slot] as number) > 0) {
            score[slot] = (score[slot] as number) + (best[slot] as number);
            best[slot] = 0;
          }
        }
      }
    });
    const partial = needed < required.length;
    const into = scratch.matches;
    let found = 0;
    // Every match holds the rarest word, unless one word may be missing.
    for (const expansions of partial ? present : present.slice(0, 1)) {
      for (const { postings } of expansions) {
        const { slots, length } = postings;
        for (let at = 0; at < length; at += 1) {
          const slot = slots[at] as number;
          if (stage[slot] !== touched || (count[slot] as number) < needed) continue;
          stage[slot] = collected;
          if (!keep(slot)) continue;
          into[found++] = slot;
          if (partial && count[slot] === required.length) score[slot] = (score[slot] as number) + COMPLETE_MATCH_BONUS;
        }
      }
    }
    const matches = into.subarray(0, found);
    for (const optional of plan.terms) {
      if (!optional.optional) continue;
      for (const { postings, quality } of expansionsOf(optional, false)) {
        const { slots, fields, length } = postings;
        for (let at = 0; at < length; at += 1) {
          const slot = slots[at] as number;
          if (stage[slot] === collected) score[slot] = (score[slot] as number) + (WEIGHT_OF_FIELDS[fields[at] as number] as number) * quality;
        }
      }
    }
    if (plan.pairs.length > 0) addPhraseBonus(plan, matches, score);
    return matches;
  };

  /** PHRASE_BONUS × the field's weight for each pair of query words found side by side, in order, in a title or description. */
  const addPhraseBonus = (plan: TextPlan, matches: Int32Array, score: Float64Array) => {
    const pairs = plan.pairs
      .map((pair) => ({ first: store.words.get(pair.first), second: secondWords(store.words, pair.second, pair.prefix) }))
      .filter((pair): pair is { first: number; second: Set<number> } => pair.first !== undefined && pair.second.size > 0);
    if (pairs.length === 0) return;
    const { pool, runStart } = store;
    for (const slot of matches) {
      const base = runStart[slot] as number;
      const titleStart = base + LAYOUT.start + (pool[base + LAYOUT.tags] as number) + (pool[base + LAYOUT.colors] as number);
      const descriptionStart = titleStart + (pool[base + LAYOUT.titleWords] as number);
      const end = base + (pool[base + LAYOUT.length] as number);
      let bonus = 0;
      for (const { first, second } of pairs) {
        if (adjacentBetween(pool, first, second, titleStart, descriptionStart)) bonus += PHRASE_BONUS * PHRASE_FIELDS.title;
        if (adjacentBetween(pool, first, second, descriptionStart, end)) bonus += PHRASE_BONUS * PHRASE_FIELDS.description;
      }
      score[slot] = (score[slot] as number) + bonus;
    }
  };

  /** Every live slot passing `keep`, newest slots first; walks the shortest posting list a filter names, if any. */
  const filterMatches = (query: NormalizedQuery, keep: (slot: number) => boolean): Int32Array => {
    const lists: PostingList[] = [];
    for (const tag of query.tags) lists.push(store.tags.postingsOf(tag) as PostingList);
    if (query.owner !== undefined) lists.push(store.usernames.postingsOf(query.owner) as PostingList);
    scratch.begin(store.slots, 0);
    const into = scratch.matches;
    let found = 0;
    const shortest = lists.sort((a, b) => a.length - b.length)[0];
    if (shortest && shortest.length < store.size / 4) {
      for (let at = shortest.length - 1; at >= 0; at -= 1) {
        const slot = shortest.slots[at] as number;
        if (keep(slot)) into[found++] = slot;
      }
    } else {
      for (let slot = store.slots - 1; slot >= 0; slot -= 1) {
        if (store.docs[slot] !== undefined && keep(slot)) into[found++] = slot;
      }
    }
    return into.subarray(0, found);
  };

  const countFacets = (matches: Int32Array) => {
    const tags = new Uint32Array(store.tags.size);
    const colors = new Uint32Array(store.colors.size);
    const orientation = new Uint32Array(ORIENTATIONS.length);
    const cameras = new Uint32Array(store.cameras.size);
    const { pool, runStart, camera } = store;
    for (const slot of matches) {
      const base = runStart[slot] as number;
      const tagEnd = base + LAYOUT.start + (pool[base + LAYOUT.tags] as number);
      const colorEnd = tagEnd + (pool[base + LAYOUT.colors] as number);
      for (let at = base + LAYOUT.start; at < tagEnd; at += 1) (tags[pool[at] as number] as number) += 1;
      for (let at = tagEnd; at < colorEnd; at += 1) (colors[pool[at] as number] as number) += 1;
      (orientation[store.orientation[slot] as number] as number) += 1;
      const cameraId = camera[slot] as number;
      if (cameraId >= 0) (cameras[cameraId] as number) += 1;
    }
    return {
      tags: ranked(tags, store.tags),
      colors: ranked(colors, store.colors),
      camera: ranked(cameras, store.cameras),
      orientation: rankFacet(ORIENTATIONS.map((value, id): [string, number] => [value, orientation[id] as number])),
    };
  };

  return (query) => {
    const keep = filterOf(query);
    const { page, perPage } = query;
    const empty: SearchResult = { hits: [], found: 0, facets: { tags: [], colors: [], camera: [], orientation: [] }, page };
    if (!keep) return empty;
    let matches: Int32Array;
    let scored = false;
    if (query.text) {
      const plan = planText(query.text);
      // As Typesense does (typo_tokens_threshold 1): typos are tried only when the words as spelt find nothing.
      matches = textMatches(plan, keep, false);
      if (matches.length === 0 && plan.terms.some((term) => !term.optional && term.typos > 0)) matches = textMatches(plan, keep, true);
      scored = true;
    } else {
      matches = filterMatches(query, keep);
    }
    if (matches.length === 0) return empty;
    const ordered = firstInOrder(matches, page * perPage, compareFor(store, query.sort, scored ? scratch.score : undefined));
    return {
      hits: ordered.slice((page - 1) * perPage).map((slot) => ({ id: (store.docs[slot] as { id: string }).id, score: scored ? (scratch.score[slot] as number) : 0 })),
      found: matches.length,
      facets: countFacets(matches),
      page,
    };
  };
}

function includesBetween(values: Int32Array, wanted: number, start: number, end: number): boolean {
  for (let at = start; at < end; at += 1) if (values[at] === wanted) return true;
  return false;
}

function adjacentBetween(values: Int32Array, first: number, second: Set<number>, start: number, end: number): boolean {
  for (let at = start; at < end - 1; at += 1) if (values[at] === first && second.has(values[at + 1] as number)) return true;
  return false;
}

/** The word ids the second word of a pair may be: itself, and its completions when it ends the query. */
function secondWords(words: Vocabulary, word: string, prefix: boolean): Set<number> {
  const ids = new Set<number>(prefix ? words.longerWithPrefix(word) : []);
  const exact = words.get(word);
  if (exact !== undefined) ids.add(exact);
  return ids;
}

function ranked(counts: Uint32Array, vocabulary: Vocabulary): FacetCount[] {
  const nonZero: Array<[string, number]> = [];
  counts.forEach((count, id) => {
    if (count > 0) nonZero.push([vocabulary.values[id] as string, count]);
  });
  return rankFacet(nonZero);
}

/** A total order over slots for each sort, so pages never overlap and never skip a match. */
function compareFor(store: DocumentStore, sort: NormalizedQuery['sort'], scores?: Float64Array): (a: number, b: number) => number {
  const { createdAt, likeCount, docs } = store;
  const byId = (a: number, b: number) => {
    const [left, right] = [(docs[a] as { id: string }).id, (docs[b] as { id: string }).id];
    return left < right ? -1 : left > right ? 1 : 0;
  };
  const byNewest = (a: number, b: number) => (createdAt[b] as number) - (createdAt[a] as number) || byId(a, b);
  switch (sort) {
    case 'relevance':
      return scores ? (a, b) => (scores[b] as number) - (scores[a] as number) || byNewest(a, b) : byNewest;
    case 'most_liked':
      return (a, b) => (likeCount[b] as number) - (likeCount[a] as number) || byNewest(a, b);
    case 'newest':
      return byNewest;
  }
}

/**
 * The first `k` items in order without sorting all of them: a sorted buffer of `k` skips,
 * with one comparison, whatever cannot enter it.
 */
export function firstInOrder<T>(items: ArrayLike<T> & Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  if (k * 8 >= items.length) return Array.from(items).sort(compare).slice(0, k);
  const best: T[] = [];
  let worst: T | undefined;
  for (const item of items) {
    if (worst !== undefined && compare(item, worst) >= 0) continue;
    let low = 0;
    let high = best.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compare(best[middle] as T, item) <= 0) low = middle + 1;
      else high = middle;
    }
    best.splice(low, 0, item);
    if (best.length > k) best.pop();
    if (best.length === k) worst = best[k - 1];
  }
  return best;
}
