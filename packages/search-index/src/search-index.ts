import { GlimpseError } from '@glimpse/errors';

/**
 * The SearchIndex capability: what the indexer writes and the search service reads.
 * Every adapter (in-process, in the database, Typesense) takes these types and gives the same answers;
 * `test/contract.ts` holds them to it.
 */

export type Orientation = 'landscape' | 'portrait' | 'square';
export type Visibility = 'public' | 'unlisted' | 'private';

export interface SearchDocument {
  id: string;
  title: string;
  description: string;
  /** All normalised tags, user and machine. */
  tags: string[];
  userTags: string[];
  machineTags: string[];
  ownerId: string;
  ownerUsername: string;
  visibility: Visibility;
  /** Colour names, e.g. ["blue", "green"]. */
  colors: string[];
  /**
   * The camera's make and model as one name ("Apple iPhone 12"), from EXIF; never a tag.
   * Kept as spelt (the facet shows it so), matched without regard to case.
   */
  camera?: string | null;
  orientation: Orientation;
  width: number;
  height: number;
  likeCount: number;
  /** Unix milliseconds. */
  createdAt: number;
  /**
   * A small JPEG of the image, base64, for an index that embeds images itself
   * (`SearchIndex.embedsImages`); the others never store it.
   */
  image?: string;
}

export type SearchSort = 'relevance' | 'newest' | 'most_liked';

/** Where the index lives: in this process, in the application's database, or in a Typesense server. */
export type SearchEngine = 'embedded' | 'database' | 'typesense';

export type TagSource = 'owner' | 'machine' | 'any';

export interface SearchQuery {
  /** Free text over title, description, tags and owner username; typo tolerant; empty = match all. */
  q?: string;
  /** Documents carrying ALL of these tags. */
  tags?: string[];
  /** Which tags `tags` means: the owner's, the machine's labels, or either (the default). */
  tagSource?: TagSource;
  /** Documents carrying ANY of these colours. */
  colors?: string[];
  /** Documents taken with ANY of these cameras (labels as the facet lists them; case does not matter). */
  camera?: string[];
  orientation?: Orientation;
  /** An owner's username. */
  owner?: string;
  /** Unix milliseconds, inclusive. */
  createdAfter?: number;
  createdBefore?: number;
  /** Sees public documents and their own of any visibility; never others' unlisted or private ones. */
  viewerId?: string | null;
  /**
   * Documents left out of hits, `found` and facets alike: images the database says this
   * viewer may no longer see, which the engine has not caught up with yet.
   */
  excludeIds?: string[];
  /** Default: relevance when `q` is given, else newest. */
  sort?: SearchSort;
  /** 1-based. */
  page?: number;
  /** Default 24, at most 100. */
  perPage?: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchFacets {
  tags: FacetCount[];
  colors: FacetCount[];
  /** Camera labels, as the documents spell them. */
  camera: FacetCount[];
  orientation: FacetCount[];
}

export interface SearchResult {
  /** `score` orders hits within one result; its scale is the engine's own. */
  hits: Array<{ id: string; score: number }>;
  /** Every matching document the viewer may see, not just this page. */
  found: number;
  /** Counted over all matching documents the viewer may see; the top 20 values of each, most frequent first. */
  facets: SearchFacets;
  page: number;
}

export interface Suggestion {
  kind: 'tag' | 'user';
  value: string;
  /** Documents the viewer may see that carry the tag, or that the user owns. */
  count: number;
}

export interface SearchIndex {
  readonly kind: SearchEngine;
  /**
   * True when the engine embeds each image for semantic search (Typesense with CLIP): every
   * upserted document must then carry `image`. The in-process and database indexes have no model.
   */
  readonly embedsImages: boolean;
  /** Idempotent: creates the collection with its schema when missing. */
  ensureCollection(): Promise<void>;
  /** Inserts or replaces documents by id. */
  upsert(documents: SearchDocument[]): Promise<void>;
  /** Missing ids are fine. */
  remove(ids: string[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchResult>;
  /** Tag completions (with counts over documents the viewer may see) and usernames, by prefix. */
  suggest(prefix: string, viewerId?: string | null, limit?: number): Promise<Suggestion[]>;
  count(): Promise<number>;
  /** Drops every document (before a reindex). */
  clear(): Promise<void>;
  ping(): Promise<void>;
}

export type SearchIndexErrorCode = 'SEARCH_UNAVAILABLE' | 'SEARCH_COLLECTION_MISSING' | 'SEARCH_REQUEST_REJECTED';

/**
 * The search engine could not answer: unreachable, failing (5xx), its collection missing,
 * or it refused a request (our bug, so INTERNAL_SERVER_ERROR at the edge; the rest are
 * SERVICE_UNAVAILABLE). A `GlimpseError` like every other error the edge maps.
 */
export class SearchIndexError extends GlimpseError {
  override readonly name: string = 'SearchIndexError';
  constructor(
    override readonly code: SearchIndexErrorCode,
    message: string,
    /** The engine's HTTP status, when it answered. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, undefined, options);
  }
}

export function isSearchIndexError(error: unknown): error is SearchIndexError {
  return error instanceof SearchIndexError;
}
