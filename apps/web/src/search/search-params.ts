export type Orientation = 'landscape' | 'portrait' | 'square';
export type SearchSort = 'relevance' | 'newest' | 'most_liked';

export const ORIENTATIONS: readonly Orientation[] = ['landscape', 'portrait', 'square'];
export const SORTS: ReadonlyArray<{ id: SearchSort; label: string }> = [
  { id: 'relevance', label: 'Best match' },
  { id: 'newest', label: 'Newest' },
  { id: 'most_liked', label: 'Most liked' },
];

/** What the Search page shows, as kept in its URL (`/search?q=…&tags=a,b&colors=…&orientation=…&sort=…`). */
export interface SearchParams {
  q: string;
  tags: string[];
  colors: string[];
  orientation?: Orientation;
  sort: SearchSort;
}

const listParam = (value: string | null) => [...new Set((value ?? '').split(',').map((part) => part.trim().toLowerCase()).filter(Boolean))];

export function readSearchParams(params: URLSearchParams): SearchParams {
  const orientation = params.get('orientation');
  const sort = params.get('sort');
  return {
    q: (params.get('q') ?? '').trim(),
    tags: listParam(params.get('tags')),
    colors: listParam(params.get('colors')),
    orientation: ORIENTATIONS.find((value) => value === orientation),
    sort: SORTS.find((option) => option.id === sort)?.id ?? 'relevance',
  };
}

/** The canonical URL of a search: empty parts left out, so equal searches have equal URLs (and list keys). */
export function searchHref(search: Partial<SearchParams>): string {
  const params = new URLSearchParams();
  if (search.q) params.set('q', search.q);
  if (search.tags?.length) params.set('tags', search.tags.join(','));
  if (search.colors?.length) params.set('colors', search.colors.join(','));
  if (search.orientation) params.set('orientation', search.orientation);
  if (search.sort && search.sort !== 'relevance') params.set('sort', search.sort);
  const query = params.toString().replaceAll('%2C', ',');
  return query ? `/search?${query}` : '/search';
}

/** Adds `value` to `values`, or removes it when already there. */
export const toggle = (values: readonly string[], value: string) => (values.includes(value) ? values.filter((v) => v !== value) : [...values, value]);
