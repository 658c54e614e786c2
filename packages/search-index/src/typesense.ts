import { Client, Errors, type SearchParams, type SearchResponse } from 'typesense';
import { invalidInput } from '@glimpse/errors';
import { normalizeQuery, normalizeSuggest, prepareDocument, rankSuggestions } from './query';
import { SearchIndexError, type SearchDocument, type SearchIndex, type SearchIndexErrorCode, type SearchResult, type Suggestion } from './search-index';
import {
  CAMERA_FIELD,
  collectionSchema,
  EMBEDDING_FIELD,
  IMAGE_FIELD,
  searchParameters,
  type SemanticMode,
  suggestParameters,
  toSearchResult,
  toSuggestions,
  UnexpectedResponseError,
} from './typesense-requests';

export interface TypesenseSearchIndexOptions {
  /** e.g. http://typesense:8108 */
  url: string;
  apiKey: string;
  /** Default "images". */
  collection?: string;
  /** Seconds before a request counts as failed (default 5; imports wait as long as they take). */
  timeoutSeconds?: number;
  /** Retries after a network error or a 5xx (default 2, 0.1 s apart). */
  retries?: number;
  /** "clip": images embedded by Typesense's CLIP model and free text answered by hybrid search (default "off"). */
  semantic?: SemanticMode;
}

const importBatchSize = 1_000;
/** With images (a 480-pixel JPEG is some 30 to 80 kB in base64), and CLIP to run on each, smaller requests. */
const imageImportBatchSize = 32;
const removeConcurrency = 8;

/** The production adapter: the official `typesense` client against a Typesense server or cluster. */
export function createTypesenseSearchIndex(options: TypesenseSearchIndexOptions): SearchIndex {
  const url = options.url.replace(/\/+$/, '');
  const name = options.collection ?? 'images';
  const client = new Client({
    nodes: [{ url }],
    apiKey: options.apiKey,
    connectionTimeoutSeconds: options.timeoutSeconds ?? 5,
    numRetries: options.retries ?? 2,
    retryIntervalSeconds: 0.1,
    // Failures reach the caller as SearchIndexError; the client's own console lines would only repeat them.
    logLevel: 'silent',
  });
  const collection = () => client.collections<SearchDocument>(name);
  const semantic = options.semantic ?? 'off';

  /** Runs one request, turning whatever goes wrong into an error that says where and what. */
  const call = async <T>(what: string, request: () => Promise<T>): Promise<T> => {
    try {
      return await request();
    } catch (error) {
      throw describeFailure(error, { url, collection: name, what });
    }
  };

  const search = (what: string, parameters: SearchParams<SearchDocument>) =>
    call(`${what} (GET /collections/${name}/documents/search)`, () => collection().documents().search(parameters, { cacheSearchResultsForSeconds: 0 }) as Promise<SearchResponse<SearchDocument>>);

  return {
    kind: 'typesense',
    embedsImages: semantic === 'clip',

    async ensureCollection() {
      const existing = await call(`GET /collections/${name}`, () => collection().retrieve()).then(
        (schema) => schema,
        (error: unknown) => {
          if (error instanceof SearchIndexError && error.code === 'SEARCH_COLLECTION_MISSING') return undefined;
          throw error;
        },
      );
      if (existing) {
        // A collection made in the other mode would take images it cannot embed, or lack the field hybrid search asks for.
        const hasEmbedding = (existing.fields ?? []).some((field) => field.name === EMBEDDING_FIELD);
        if (hasEmbedding !== (semantic === 'clip')) {
          throw new SearchIndexError(
            'SEARCH_REQUEST_REJECTED',
            `Typesense at ${url} has the collection "${name}" ${hasEmbedding ? 'with' : 'without'} the CLIP embedding field, but TYPESENSE_SEMANTIC is ${semantic}: delete the collection (DELETE /collections/${name}) and run reindex to rebuild it from the database`,
          );
        }
        // A collection made before cameras were faceted gets the field (Typesense adds fields in place).
        if (!(existing.fields ?? []).some((field) => field.name === CAMERA_FIELD.name)) {
          await call(`PATCH /collections/${name}`, () => collection().update({ fields: [{ ...CAMERA_FIELD }] })).catch((error: unknown) => {
            // A replica added it first.
            if (error instanceof SearchIndexError && error.status === 400 && /already/i.test(error.message)) return;
            throw error;
          });
        }
        return;
      }
      await call('POST /collections', () => client.collections().create(collectionSchema(name, semantic))).catch((error: unknown) => {
        // Another replica created it between our look and our create: that is what we wanted.
        if (error instanceof SearchIndexError && error.status === 409) return;
        throw error;
      });
    },

    async upsert(documents) {
      const prepared = documents.map((document, index) => {
        const plain = prepareDocument(document, index);
        if (semantic === 'off') return plain;
        // Typesense refuses a document without the field it embeds from; say which one before sending any.
        if (typeof document.image !== 'string' || document.image.length === 0) {
          throw invalidInput(`documents[${index}].${IMAGE_FIELD}`, 'a base64 JPEG is required when semantic search is on (TYPESENSE_SEMANTIC=clip)');
        }
        return { ...plain, [IMAGE_FIELD]: document.image };
      });
      const batchSize = semantic === 'off' ? importBatchSize : imageImportBatchSize;
      for (let start = 0; start < prepared.length; start += batchSize) {
        const batch = prepared.slice(start, start + batchSize);
        await call(`POST /collections/${name}/documents/import?action=upsert`, () => collection().documents().import(batch, { action: 'upsert' }));
      }
    },

    async remove(ids) {
      const pending = [...new Set(ids)];
      const worker = async () => {
        for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
          const removeOne = (documentId: string) =>
            collection()
              .documents(documentId)
              .delete()
              .catch((error: unknown) => {
                // Already gone is fine. (Without its collection a document is gone too.)
                if (error instanceof Errors.ObjectNotFound) return undefined;
                throw error;
              });
          await call(`DELETE /collections/${name}/documents/${encodeURIComponent(id)}`, () => removeOne(id as string));
        }
      };
      await Promise.all(Array.from({ length: Math.min(removeConcurrency, pending.length) }, worker));
    },

    async search(query): Promise<SearchResult> {
      const normalized = normalizeQuery(query);
      const response = await search('search', searchParameters(normalized, semantic));
      try {
        return toSearchResult(response, normalized.page);
      } catch (error) {
        throw describeFailure(error, { url, collection: name, what: 'search' });
      }
    },

    async suggest(prefix, viewerId, limit): Promise<Suggestion[]> {
      const normalized = normalizeSuggest(prefix, viewerId, limit);
      if (!normalized) return [];
      const { tagPrefix, userPrefix } = normalized;
      const [tags, users] = await Promise.all([
        tagPrefix ? search('suggest tags', suggestParameters('tags', tagPrefix, normalized)) : undefined,
        userPrefix ? search('suggest users', suggestParameters('ownerUsername', userPrefix, normalized)) : undefined,
      ]);
      const found = [...(tags ? toSuggestions(tags, 'tags', tagPrefix) : []), ...(users ? toSuggestions(users, 'ownerUsername', userPrefix) : [])];
      return rankSuggestions(found, normalized.limit);
    },

    async count() {
      const schema = await call(`GET /collections/${name}`, () => collection().retrieve());
      return schema.num_documents;
    },

    async clear() {
      // Matches every document (visibility is always one of the three); works on every Typesense version, unlike `truncate`.
      await call(`DELETE /collections/${name}/documents (every document, by filter)`, () => collection().documents().delete({ filter_by: 'visibility:[public,unlisted,private]' }));
    },

    async ping() {
      // Answers only when the server is up, accepts our key and has the collection: what search needs.
      await call(`GET /collections/${name}`, () => collection().retrieve());
    },
  };
}

interface FailureContext {
  url: string;
  collection: string;
  what: string;
}

/**
 * The client's errors carry the whole request, API key header included; what we keep as
 * the cause is only its name, code and message, so no log line can leak the key.
 */
function plainCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const plain = new Error(error.message);
  plain.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(plain, { code });
  return plain;
}

export function describeFailure(error: unknown, context: FailureContext): SearchIndexError {
  if (error instanceof SearchIndexError) return error;
  const failure = describe(error, context);
  return new SearchIndexError(failure.code, failure.message, failure.status, { cause: plainCause(error) });
}

function describe(error: unknown, { url, collection, what }: FailureContext): { code: SearchIndexErrorCode; message: string; status?: number } {
  const where = `Typesense at ${url}`;
  if (error instanceof UnexpectedResponseError) {
    return { code: 'SEARCH_REQUEST_REJECTED', message: `${where} gave an answer we cannot read to ${what}: ${error.message}` };
  }
  if (error instanceof Errors.ImportError) {
    const failed = error.importResults.filter((result) => !result.success);
    const reasons = failed.slice(0, 3).map((result) => `${result.id ?? 'document'}: ${result.error}`).join('; ');
    return { code: 'SEARCH_REQUEST_REJECTED', message: `${where} refused ${failed.length} of ${error.importResults.length} documents in ${what}: ${reasons}`, status: 422 };
  }
  const status = error instanceof Errors.TypesenseError ? error.httpStatus : undefined;
  const said = error instanceof Error ? error.message.replace(/^Request failed with HTTP code \d+ \| Server said: /, '') : String(error);
  if (status === undefined) {
    const code = (error as { code?: string } | undefined)?.code;
    return { code: 'SEARCH_UNAVAILABLE', message: `Search index is unavailable: ${where} could not be reached for ${what} (${[code, said].filter(Boolean).join(' ')})` };
  }
  if (status === 404) {
    return { code: 'SEARCH_COLLECTION_MISSING', message: `${where} has no collection "${collection}" (${what} answered 404: ${said}); it is created by ensureCollection() at start, then filled by reindex`, status };
  }
  if (status >= 500) {
    return { code: 'SEARCH_UNAVAILABLE', message: `Search index is unavailable: ${where} answered ${status} to ${what}: ${said}`, status };
  }
  if (status === 401 || status === 403) {
    return { code: 'SEARCH_UNAVAILABLE', message: `Search index is unavailable: ${where} refused our API key (${status}) for ${what}; check TYPESENSE_API_KEY`, status };
  }
  return { code: 'SEARCH_REQUEST_REJECTED', message: `${where} refused ${what} (${status}): ${said}`, status };
}
