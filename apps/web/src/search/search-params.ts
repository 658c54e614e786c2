export type Orientation = 'landscape' | 'portrait' | 'square';
export type SearchSort = 'relevance' | 'newest' | 'most_liked';

export const ORIENTATIONS: readonly Orientation[] = ['landscape', 'portrait', 'square'];
export type TagSource = 'owner' | 'machine' | 'any';
/** Whose tags a tag filter means; `any` is left out of the URL. */
export const TAG_SOURCES: ReadonlyArray<{ id: TagSource; label: string }> = [
  { id: 'any', label: 'Owner or machine' },
  { id: 'owner', label: 'Owner’s tags' },
  { id: 'machine', label: 'Machine labels' },
];
export const SORTS: ReadonlyArray<{ id: SearchSort; label: string }> = [
  { id: 'relevance', label: 'Best match' },
  { id: 'newest', label: 'Newest' },
  { id: 'most_liked', label: 'Most liked' },
];

/**
 * What the Search page shows, as kept in its URL (`/search?q=…&tags=a,b&tagSource=…&colors=…&camera=…&orientation=…&sort=…`).
 * Left out means "any" (and `relevance` for the sort), so equal searches have equal URLs.
 */
export interface SearchParams {
  q?: string;
  tags?: string[];
  tagSource?: Exclude<TagSource, 'any'>;
  colors?: string[];
  /** Camera names as the facet lists them ("Apple iPhone 12"): spelt as shown, not lower-cased. */
  camera?: string[];
  orientation?: Orientation;
  sort?: Exclude<SearchSort, 'relevance'>;
}

/** `a,b` from the URL, or a list already read (the router validates what it validated before, too). */
function listParam(value: unknown): string[] {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((part) => typeof part === 'string') : [];
  return [...new Set(parts.map((part) => part.trim().toLowerCase()).filter(Boolean))];
}

/** Camera names keep their case (the facet shows them so); the server matches them without regard to it. */
function cameraParam(value: unknown): string[] {
  const parts = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.filter((part) => typeof part === 'string') : [];
  return [...new Set(parts.map((part) => part.replace(/\s+/g, ' ').trim()).filter(Boolean))];
}

/** The search route's validator: the URL's strings, checked and normalised; keys in the URL's order. */
export function readSearchParams(raw: Record<string, unknown>): SearchParams {
  const sort = SORTS.find((option) => option.id === raw.sort)?.id;
  return {
    q: typeof raw.q === 'string' ? raw.q.trim() || undefined : undefined,
    tags: listParam(raw.tags),
    tagSource: raw.tagSource === 'owner' || raw.tagSource === 'machine' ? raw.tagSource : undefined,
    colors: listParam(raw.colors),
    camera: cameraParam(raw.camera),
    orientation: ORIENTATIONS.find((value) => value === raw.orientation),
    sort: sort === 'relevance' ? undefined : sort,
  };
}

/** Adds `value` to `values`, or removes it when already there. */
export const toggle = (values: readonly string[] = [], value: string) => (values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
