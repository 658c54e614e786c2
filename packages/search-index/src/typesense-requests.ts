import type { CollectionCreateSchema, SearchParams, SearchResponse } from 'typesense';
import { FACET_LIMIT, rankFacet, tagFieldOf, TEXT_FIELDS, type NormalizedQuery, type NormalizedSuggest } from './query';
import type { SearchDocument, SearchResult, Suggestion } from './search-index';
import { planText, requiredText } from './text-plan';

/**
 * What the Typesense adapter sends and how it reads the answers, as pure functions, in
 * the shapes of Typesense's documented API (collections, documents/import,
 * documents/search). `test/typesense.test.ts` checks them against a fake server.
 */

/** Optional: most photos without EXIF have none. Added to a collection made before it (see ensureCollection). */
export const CAMERA_FIELD = { name: 'camera', type: 'string', facet: true, optional: true } as const;

/**
 * Semantic search with Typesense's built-in CLIP model. Typesense embeds each image it is
 * sent and each free-text query with the same model, so images are found by what they show
 * even when no title, tag or description carries the words. Typesense docs (v27.1 to v30.1),
 * "Image Search": the `image` field (`type: image`, base64 BMP/JPG/PNG, `store: false`: used
 * to embed, then discarded) and the `embedding` field (`embed.from: [image]`,
 * `model_config.model_name: ts/clip-vit-b-p32`).
 */
export type SemanticMode = 'off' | 'clip';
export const CLIP_MODEL = 'ts/clip-vit-b-p32';
export const IMAGE_FIELD = 'image';
export const EMBEDDING_FIELD = 'embedding';
/**
 * "Vector Search" › "Hybrid Search" › "Weightage for Semantic vs Keyword matches":
 * rank_fusion_score = (1 - alpha) / keyword rank + alpha / semantic rank (reciprocal ranks, as
 * Typesense's own hybrid tests compute it), alpha 0.3 by default.
 * We say 0.3 out loud: a keyword match still leads, an image that only looks right follows.
 */
export const HYBRID_ALPHA = 0.3;
/**
 * "Vector Search" › "Pagination": every document is some distance from the query, so `k`
 * bounds the vector side: the 100 nearest images (what the viewer may see) join the keyword matches.
 */
export const VECTOR_K = 100;

/** The fields semantic search adds to the collection, exactly as the "Image Search" page writes them. */
export const semanticFields = () => [
  { name: IMAGE_FIELD, type: 'image' as const, store: false },
  { name: EMBEDDING_FIELD, type: 'float[]' as const, embed: { from: [IMAGE_FIELD], model_config: { model_name: CLIP_MODEL } } },
];

/** Filterable strings are facets too where we count them; the rest are plain indexed fields. */
export function collectionSchema(name: string, semantic: SemanticMode = 'off'): CollectionCreateSchema {
  return {
    name,
    fields: [
      { name: 'title', type: 'string' },
      { name: 'description', type: 'string' },
      { name: 'tags', type: 'string[]', facet: true },
      { name: 'userTags', type: 'string[]' },
      { name: 'machineTags', type: 'string[]' },
      { name: 'ownerId', type: 'string' },
      { name: 'ownerUsername', type: 'string', facet: true },
      { name: 'visibility', type: 'string' },
      { name: 'colors', type: 'string[]', facet: true },
      CAMERA_FIELD,
      { name: 'orientation', type: 'string', facet: true },
      { name: 'width', type: 'int32' },
      { name: 'height', type: 'int32' },
      { name: 'likeCount', type: 'int32' },
      { name: 'createdAt', type: 'int64' },
      ...(semantic === 'clip' ? semanticFields() : []),
    ],
    default_sorting_field: 'createdAt',
    // Tags are hyphenated ("new-york") and usernames may hold underscores: words on both sides are searchable.
    token_separators: ['-', '_'],
  };
}

/** A value inside backticks, Typesense's quoting for strings with special characters. */
const quote = (value: string) => `\`${value}\``;

/** Public documents, and the viewer's own of any visibility, enforced by the engine. */
export function visibilityFilter(viewerId: string | null): string {
  return viewerId === null ? 'visibility:=public' : `(visibility:=public || ownerId:=${quote(viewerId)})`;
}

export function filterBy(query: NormalizedQuery): string {
  const clauses = [visibilityFilter(query.viewerId)];
  if (query.excludeIds.length > 0) clauses.push(`id:!=[${query.excludeIds.map(quote).join(',')}]`);
  // `tags:=[a,b]` would match ANY; every tag is required, so each gets its own clause.
  for (const tag of query.tags) clauses.push(`${tagFieldOf(query.tagSource)}:=${quote(tag)}`);
  if (query.colors.length > 0) clauses.push(`colors:=[${query.colors.map(quote).join(',')}]`);
  // Typesense matches strings without regard to case, as the other adapters do for cameras.
  if (query.camera.length > 0) clauses.push(`camera:=[${query.camera.map(quote).join(',')}]`);
  if (query.orientation) clauses.push(`orientation:=${query.orientation}`);
  if (query.owner) clauses.push(`ownerUsername:=${quote(query.owner)}`);
  if (query.createdAfter !== undefined) clauses.push(`createdAt:>=${query.createdAfter}`);
  if (query.createdBefore !== undefined) clauses.push(`createdAt:<=${query.createdBefore}`);
  return clauses.join(' && ');
}

export function sortBy(query: NormalizedQuery): string {
  switch (query.sort) {
    case 'relevance':
      return query.text ? '_text_match:desc,createdAt:desc' : 'createdAt:desc';
    case 'most_liked':
      return 'likeCount:desc,createdAt:desc';
    case 'newest':
      return 'createdAt:desc';
  }
}

const textParameters = {
  query_by: Object.keys(TEXT_FIELDS).join(','),
  query_by_weights: Object.values(TEXT_FIELDS).join(','),
  num_typos: 2,
  min_len_1typo: 4,
  min_len_2typo: 7,
  prefix: true,
  typo_tokens_threshold: 1,
  // Every word must match (with its typos), as in the embedded index; no silent dropping of words.
  drop_tokens_threshold: 0,
} as const;

/**
 * The words Typesense must match: stop words and short words are left out, since Typesense
 * would otherwise require them (drop_tokens_threshold 0); its prefix then falls, as in the
 * other adapters, on the last word that must match.
 */
export function textQuery(text: string): string {
  if (!text) return '*';
  return requiredText(planText(text)) || text;
}

/**
 * Hybrid search ("Vector Search" › "Hybrid Search"): `query_by` lists the keyword fields and
 * the auto-embedding field, so Typesense runs a keyword search on the first and embeds `q`
 * with CLIP for a nearest-neighbour search on the last, fusing both ranks. `query_by_weights`
 * must be as long as `query_by`; the docs' placeholder 0 stands for the embedding field.
 * `vector_query: embedding:([], alpha, k)`: the empty vector lets Typesense embed `q` itself.
 * `drop_tokens_threshold: 0` (already ours) is the docs' advice for hybrid queries;
 * `exclude_fields: embedding` keeps the 512 floats out of every hit. Filters (visibility
 * first) apply to both sides.
 */
function hybridParameters(): Record<string, string> {
  return {
    query_by: `${textParameters.query_by},${EMBEDDING_FIELD}`,
    query_by_weights: `${textParameters.query_by_weights},0`,
    vector_query: `${EMBEDDING_FIELD}:([], alpha: ${HYBRID_ALPHA}, k: ${VECTOR_K})`,
    exclude_fields: EMBEDDING_FIELD,
  };
}

export function searchParameters(query: NormalizedQuery, semantic: SemanticMode = 'off'): SearchParams<SearchDocument> {
  return {
    q: textQuery(query.text),
    ...textParameters,
    // Ranked by relevance only: the k nearest images have no cut-off, so in a list by date or likes they would crowd out the matches.
    ...(semantic === 'clip' && query.text && query.sort === 'relevance' ? hybridParameters() : {}),
    filter_by: filterBy(query),
    facet_by: 'tags,colors,camera,orientation',
    max_facet_values: FACET_LIMIT,
    sort_by: sortBy(query),
    page: query.page,
    per_page: query.perPage,
    include_fields: 'id',
  } as SearchParams<SearchDocument>;
}

/** One search per kind, facets only: the tag or username values that start with the prefix. */
export function suggestParameters(field: 'tags' | 'ownerUsername', prefix: string, suggest: NormalizedSuggest): SearchParams<SearchDocument> {
  return {
    q: '*',
    query_by: field,
    filter_by: visibilityFilter(suggest.viewerId),
    facet_by: field,
    facet_query: `${field}:${prefix}`,
    // facet_query matches any word of a value; a few more than asked make room for dropping those that only match inside.
    max_facet_values: suggest.limit + 20,
    per_page: 0,
  } as SearchParams<SearchDocument>;
}

export class UnexpectedResponseError extends Error {}

function facetCounts(response: SearchResponse<SearchDocument>, field: string): Array<[string, number]> {
  const facet = (response.facet_counts ?? []).find((candidate) => candidate.field_name === field);
  return (facet?.counts ?? []).map(({ value, count }) => [String(value), Number(count)]);
}

/** `hybrid_search_info.rank_fusion_score`, on hits of a hybrid search (Typesense's SearchResultHit). */
const fusionScore = (hit: object): number | undefined => {
  const info = (hit as { hybrid_search_info?: { rank_fusion_score?: unknown } }).hybrid_search_info;
  return typeof info?.rank_fusion_score === 'number' ? info.rank_fusion_score : undefined;
};

/** Reads a documented search response (highlights and the rest of the document ignored). */
export function toSearchResult(response: SearchResponse<SearchDocument>, page: number): SearchResult {
  if (typeof response?.found !== 'number' || (response.hits !== undefined && !Array.isArray(response.hits))) {
    throw new UnexpectedResponseError(`expected {found, hits, facet_counts}, got ${JSON.stringify(response).slice(0, 200)}`);
  }
  return {
    // A hybrid hit's rank is its fusion score; a hit from the vector side alone has no text_match.
    hits: (response.hits ?? []).map((hit) => ({ id: String(hit.document.id), score: Number(fusionScore(hit) ?? hit.text_match ?? 0) })),
    found: response.found,
    facets: {
      tags: rankFacet(facetCounts(response, 'tags')),
      colors: rankFacet(facetCounts(response, 'colors')),
      camera: rankFacet(facetCounts(response, 'camera')),
      orientation: rankFacet(facetCounts(response, 'orientation')),
    },
    page: typeof response.page === 'number' ? response.page : page,
  };
}

export function toSuggestions(response: SearchResponse<SearchDocument>, field: 'tags' | 'ownerUsername', prefix: string): Suggestion[] {
  const kind = field === 'tags' ? 'tag' : 'user';
  return facetCounts(response, field)
    .filter(([value]) => value.toLowerCase().startsWith(prefix))
    .map(([value, count]) => ({ kind, value, count }));
}
