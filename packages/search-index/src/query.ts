import { invalidInput } from '@glimpse/errors';
import type { FacetCount, Orientation, SearchDocument, SearchQuery, SearchSort, Suggestion, TagSource, Visibility } from './search-index';

/**
 * What the adapters share so their answers agree: defaults, limits and checks of
 * queries and documents, and the order of facets and suggestions.
 */

/**
 * The fields free text searches, and how much a match in each counts (Typesense gets the
 * same weights; whole numbers, as it and the database's term table take). The owner's tags
 * count three times a machine label: a person said "beach", the model only guessed it.
 */
export const TEXT_FIELDS = { title: 4, userTags: 3, ownerUsername: 2, machineTags: 1, description: 1 } as const;

/**
 * Typesense's default typo budget (min_len_1typo 4, min_len_2typo 7): short words must be
 * spelt right, longer ones may carry one or two typos.
 */
export const typoBudget = (term: string): number => (term.length >= 7 ? 2 : term.length >= 4 ? 1 : 0);

/** Accents and case do not matter: "Café" finds "cafe", as in Typesense. */
export const foldTerm = (term: string): string => term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** The words of a text as an index keeps them: folded, split at anything not a letter or digit (`new-york`, `chen_wei`). */
export const wordsOf = (text: string): string[] => foldTerm(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

export const DEFAULT_PER_PAGE = 24;
export const MAX_PER_PAGE = 100;
export const FACET_LIMIT = 20;
/** Longest camera label a document or a filter holds. */
export const MAX_CAMERA_LENGTH = 100;
/** Cameras one filter may name. */
export const MAX_CAMERA_FILTERS = 20;
export const DEFAULT_SUGGEST_LIMIT = 10;
export const MAX_SUGGEST_LIMIT = 50;

/** A query with every default applied and every value checked, the same for both adapters. */
export interface NormalizedQuery {
  /** Trimmed free text; '' matches everything. */
  text: string;
  tags: string[];
  tagSource: TagSource;
  colors: string[];
  /** Camera labels in lower case (each engine compares them so). */
  camera: string[];
  orientation?: Orientation;
  owner?: string;
  createdAfter?: number;
  createdBefore?: number;
  viewerId: string | null;
  excludeIds: string[];
  sort: SearchSort;
  page: number;
  perPage: number;
}

const orientations: readonly Orientation[] = ['landscape', 'portrait', 'square'];
const sorts: readonly SearchSort[] = ['relevance', 'newest', 'most_liked'];
export const TAG_SOURCES: readonly TagSource[] = ['owner', 'machine', 'any'];

/** The document field a tag filter of this source reads. */
export const tagFieldOf = (source: TagSource) => (source === 'owner' ? 'userTags' : source === 'machine' ? 'machineTags' : 'tags');

/**
 * Filter values travel to Typesense inside backticks, for which it has no escape. Our
 * tags, colours, usernames and ids never hold one, so a value with one is refused.
 */
function filterValue(field: string, raw: string): string {
  const value = raw.trim().toLowerCase();
  if (value.includes('`')) throw invalidInput(field, `may not contain a backtick, got ${JSON.stringify(raw)}`);
  return value;
}

function filterValues(field: string, raw: string[] | undefined): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalidInput(field, 'expected a list of strings');
  return [...new Set(raw.map((value) => filterValue(field, value)).filter((value) => value.length > 0))];
}

/** A camera label as documents and filters spell it: spaces collapsed, no comma (the URL's list separator), at most 100 characters. */
export const tidyCamera = (value: string): string => value.replace(/[\s,]+/g, ' ').trim();

function cameraFilters(raw: string[] | undefined): string[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalidInput('camera', 'expected a list of camera names');
  if (raw.length > MAX_CAMERA_FILTERS) throw invalidInput('camera', `expected at most ${MAX_CAMERA_FILTERS} cameras, got ${raw.length}`);
  const values = raw.map((value) => {
    if (typeof value !== 'string') throw invalidInput('camera', 'expected a list of camera names');
    const label = tidyCamera(value);
    if (label.length > MAX_CAMERA_LENGTH) throw invalidInput('camera', `expected camera names of at most ${MAX_CAMERA_LENGTH} characters`);
    return filterValue('camera', label);
  });
  return [...new Set(values.filter(Boolean))];
}

function timestamp(field: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value)) throw invalidInput(field, `expected unix milliseconds, got ${value}`);
  return Math.trunc(value);
}

export function normalizeQuery(query: SearchQuery): NormalizedQuery {
  const text = (query.q ?? '').trim();
  const page = query.page ?? 1;
  if (!Number.isInteger(page) || page < 1) throw invalidInput('page', `expected a whole number from 1, got ${page}`);
  const perPage = query.perPage ?? DEFAULT_PER_PAGE;
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
    throw invalidInput('perPage', `expected a whole number from 1 to ${MAX_PER_PAGE}, got ${perPage}`);
  }
  if (query.orientation !== undefined && !orientations.includes(query.orientation)) {
    throw invalidInput('orientation', `expected one of ${orientations.join(', ')}, got ${JSON.stringify(query.orientation)}`);
  }
  if (query.tagSource !== undefined && !TAG_SOURCES.includes(query.tagSource)) {
    throw invalidInput('tagSource', `expected one of ${TAG_SOURCES.join(', ')}, got ${JSON.stringify(query.tagSource)}`);
  }
  if (query.sort !== undefined && !sorts.includes(query.sort)) {
    throw invalidInput('sort', `expected one of ${sorts.join(', ')}, got ${JSON.stringify(query.sort)}`);
  }
  const owner = query.owner === undefined ? undefined : filterValue('owner', query.owner) || undefined;
  const viewerId = query.viewerId ? query.viewerId.trim() : null;
  if (viewerId?.includes('`')) throw invalidInput('viewerId', 'may not contain a backtick');
  return {
    text,
    tags: filterValues('tags', query.tags),
    tagSource: query.tagSource ?? 'any',
    colors: filterValues('colors', query.colors),
    camera: cameraFilters(query.camera),
    orientation: query.orientation,
    owner,
    createdAfter: timestamp('createdAfter', query.createdAfter),
    createdBefore: timestamp('createdBefore', query.createdBefore),
    viewerId: viewerId || null,
    excludeIds: filterValues('excludeIds', query.excludeIds),
    sort: query.sort ?? (text ? 'relevance' : 'newest'),
    page,
    perPage,
  };
}

export interface NormalizedSuggest {
  /** Spelt as tags are ("New Y" → "new-y", no leading '#'). */
  tagPrefix: string;
  /** Spelt as usernames are (no leading '@'). */
  userPrefix: string;
  viewerId: string | null;
  limit: number;
}

/** The suggest arguments, checked the same way for both adapters; null when there is nothing to complete. */
export function normalizeSuggest(prefix: string, viewerId: string | null | undefined, limit: number | undefined): NormalizedSuggest | null {
  const size = limit ?? DEFAULT_SUGGEST_LIMIT;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SUGGEST_LIMIT) {
    throw invalidInput('limit', `expected a whole number from 1 to ${MAX_SUGGEST_LIMIT}, got ${size}`);
  }
  if (typeof prefix !== 'string') throw invalidInput('prefix', 'expected a string');
  const value = prefix.trim().toLowerCase();
  if (viewerId?.includes('`')) throw invalidInput('viewerId', 'may not contain a backtick');
  // Only the characters tags and usernames are made of, so the prefix is safe inside a Typesense facet_query.
  const tagPrefix = value.replace(/[\s_]+/g, '-').replace(/[^\p{L}\p{N}-]/gu, '');
  const userPrefix = value.replace(/[^\p{L}\p{N}_]/gu, '');
  if (!tagPrefix && !userPrefix) return null;
  return { tagPrefix, userPrefix, viewerId: viewerId?.trim() || null, limit: size };
}

/** Orders suggestions the same way for both adapters: most documents first, tags before users, then by name. */
export function rankSuggestions(suggestions: Suggestion[], limit: number): Suggestion[] {
  return suggestions
    .filter((suggestion) => suggestion.count > 0)
    .sort((a, b) => b.count - a.count || (a.kind === b.kind ? 0 : a.kind === 'tag' ? -1 : 1) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

/** Facet values most frequent first, ties by value, so both adapters agree on the order. */
export function rankFacet(counts: Iterable<[string, number]>, limit = FACET_LIMIT): FacetCount[] {
  return [...counts]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([value, count]) => ({ value, count }));
}

const visibilities: readonly Visibility[] = ['public', 'unlisted', 'private'];

function preparedCamera(raw: string | null | undefined, field: string): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string') throw invalidInput(field, 'expected a camera name or null');
  const label = tidyCamera(raw).slice(0, MAX_CAMERA_LENGTH).trim();
  if (label.includes('`')) throw invalidInput(field, 'may not contain a backtick');
  return label || null;
}

/** The camera a stored document names, in lower case as filters compare it (documents journaled before cameras have none). */
export const cameraKey = (doc: SearchDocument): string | null => doc.camera?.toLowerCase() ?? null;

/**
 * Checks a document and spells its filterable values the one way both adapters store
 * them: tags, colours and the username in lower case, each listed once; the camera label
 * tidied but spelt as given (its facet shows it).
 */
export function prepareDocument(doc: SearchDocument, index = 0): SearchDocument {
  const field = (name: string) => `documents[${index}].${name}`;
  if (typeof doc.id !== 'string' || doc.id.length === 0) throw invalidInput(field('id'), 'expected a non-empty string');
  if (!visibilities.includes(doc.visibility)) throw invalidInput(field('visibility'), `expected one of ${visibilities.join(', ')}`);
  if (!orientations.includes(doc.orientation)) throw invalidInput(field('orientation'), `expected one of ${orientations.join(', ')}`);
  for (const name of ['width', 'height', 'likeCount', 'createdAt'] as const) {
    if (!Number.isFinite(doc[name])) throw invalidInput(field(name), `expected a number, got ${doc[name]}`);
  }
  const list = (values: readonly string[] | undefined) => [...new Set((values ?? []).map((value) => value.trim().toLowerCase()).filter(Boolean))];
  const machineTags = list(doc.machineTags);
  // A tag listed without a source is the owner's; `tags` holds every tag of either source.
  const userTags = list([...list(doc.userTags), ...list(doc.tags).filter((tag) => !machineTags.includes(tag))]);
  return {
    id: doc.id,
    title: doc.title ?? '',
    description: doc.description ?? '',
    tags: list([...list(doc.tags), ...userTags, ...machineTags]),
    userTags,
    machineTags,
    ownerId: doc.ownerId,
    ownerUsername: doc.ownerUsername.trim().toLowerCase(),
    visibility: doc.visibility,
    colors: list(doc.colors),
    camera: preparedCamera(doc.camera, field('camera')),
    orientation: doc.orientation,
    width: Math.trunc(doc.width),
    height: Math.trunc(doc.height),
    likeCount: Math.trunc(doc.likeCount),
    createdAt: Math.trunc(doc.createdAt),
  };
}
