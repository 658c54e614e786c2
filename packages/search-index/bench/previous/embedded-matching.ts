import { rankFacet, type NormalizedQuery } from '../../src/query';
import type { FacetCount, SearchDocument, SearchFacets } from '../../src/search-index';

/** Facet values as small numbers, so counting over many matches is array arithmetic, not map lookups. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }
}

export interface Facets {
  tags: Interner;
  colors: Interner;
  orientation: Interner;
}

/** A stored document with what sorting and faceting read, ready to hand. */
export interface Entry {
  id: string;
  createdAt: number;
  likeCount: number;
  doc: SearchDocument;
  tagIds: number[];
  colorIds: number[];
  orientationId: number;
}

export function toEntry(doc: SearchDocument, facets: Facets): Entry {
  return {
    id: doc.id,
    createdAt: doc.createdAt,
    likeCount: doc.likeCount,
    doc,
    tagIds: doc.tags.map((tag) => facets.tags.id(tag)),
    colorIds: doc.colors.map((color) => facets.colors.id(color)),
    orientationId: facets.orientation.id(doc.orientation),
  };
}

/** Visibility and every filter of the query as one predicate (documents are stored in lower case: `prepareDocument`). */
export function matchesFilters(query: NormalizedQuery): (doc: SearchDocument) => boolean {
  const { viewerId, tags, colors, orientation, owner, createdAfter, createdBefore } = query;
  return (doc) => {
    if (doc.visibility !== 'public' && (viewerId === null || doc.ownerId !== viewerId)) return false;
    if (orientation !== undefined && doc.orientation !== orientation) return false;
    if (owner !== undefined && doc.ownerUsername !== owner) return false;
    if (createdAfter !== undefined && doc.createdAt < createdAfter) return false;
    if (createdBefore !== undefined && doc.createdAt > createdBefore) return false;
    if (tags.length > 0 && !tags.every((tag) => doc.tags.includes(tag))) return false;
    if (colors.length > 0 && !colors.some((color) => doc.colors.includes(color))) return false;
    return true;
  };
}

function ranked(counts: Uint32Array, interner: Interner): FacetCount[] {
  const nonZero: Array<[string, number]> = [];
  counts.forEach((count, id) => {
    if (count > 0) nonZero.push([interner.values[id] as string, count]);
  });
  return rankFacet(nonZero);
}

/** Facet counts over every match, not just the page shown: one pass, counting into arrays. */
export function countFacets(matches: readonly Entry[], facets: Facets): SearchFacets {
  const tags = new Uint32Array(facets.tags.values.length);
  const colors = new Uint32Array(facets.colors.values.length);
  const orientation = new Uint32Array(facets.orientation.values.length);
  for (const entry of matches) {
    for (const id of entry.tagIds) tags[id] = (tags[id] as number) + 1;
    for (const id of entry.colorIds) colors[id] = (colors[id] as number) + 1;
    orientation[entry.orientationId] = (orientation[entry.orientationId] as number) + 1;
  }
  // The previous index predates the camera facet (it is kept only to time against).
  return { tags: ranked(tags, facets.tags), colors: ranked(colors, facets.colors), camera: [], orientation: ranked(orientation, facets.orientation) };
}

const byId = (a: Entry, b: Entry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byNewest = (a: Entry, b: Entry) => b.createdAt - a.createdAt || byId(a, b);

/** A total order for each sort, so pages never overlap and never skip a match. `scores` are the text scores, when there was text. */
export function compareFor(sort: NormalizedQuery['sort'], scores?: ReadonlyMap<Entry, number>): (a: Entry, b: Entry) => number {
  switch (sort) {
    case 'relevance':
      return scores ? (a, b) => (scores.get(b) as number) - (scores.get(a) as number) || byNewest(a, b) : byNewest;
    case 'most_liked':
      return (a, b) => b.likeCount - a.likeCount || byNewest(a, b);
    case 'newest':
      return byNewest;
  }
}

/**
 * The first `k` items in order without sorting all of them: a sorted buffer of `k` skips,
 * with one comparison, whatever cannot enter it. Cheapest when items come roughly best
 * first (text results come by score; callers hand stored documents newest first).
 */
export function firstInOrder<T>(items: readonly T[], k: number, compare: (a: T, b: T) => number): T[] {
  if (k <= 0) return [];
  if (k * 8 >= items.length) return [...items].sort(compare).slice(0, k);
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
