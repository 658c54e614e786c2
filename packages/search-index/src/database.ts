import type { Database } from '@glimpse/database';
import { isGlimpseError } from '@glimpse/errors';
import { removeStatements, searchStatement, suggestStatement, upsertStatements, type Statement } from './database-sql';
import { normalizeQuery, normalizeSuggest, prepareDocument, rankFacet, rankSuggestions } from './query';
import { SearchIndexError, type SearchIndex, type SearchResult, type Suggestion } from './search-index';
import { planText } from './text-plan';

export interface DatabaseSearchIndexOptions {
  /** The application's database (CockroachDB, PostgreSQL or PGlite), migrated (0004_search_documents). */
  db: Database;
  /** Documents written per transaction (default 200). */
  batchSize?: number;
}

interface ResultRow {
  kind: 'hit' | 'found' | 'tags' | 'colors' | 'camera' | 'orientation';
  value: string | null;
  score: number | null;
  n: number;
}

/**
 * Search in the database: the documents, a word table and a vocabulary live in the
 * application's own database (migration 0004), written by the indexer and rebuilt by
 * `reindex`. Every process that shares the database shares the index, so the search
 * service and the indexer can run apart without a search server.
 *
 * Matching follows the other adapters: every word must match, the last one may be a
 * prefix, and only when the words as spelt find nothing are typos tried, by levenshtein()
 * over the vocabulary within Typesense's budget. Visibility and filters are part of the
 * one statement that counts, pages and facets, so nothing the viewer may not see is counted.
 */
export function createDatabaseSearchIndex(options: DatabaseSearchIndexOptions): SearchIndex {
  const { db } = options;
  const batchSize = options.batchSize ?? 200;

  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw describeFailure(error, what);
    }
  };
  const run = (statement: Statement) => db.query<ResultRow>(statement.sql, statement.params);

  const searchOnce = async (statement: Statement) => {
    const rows = await run(statement);
    const found = rows.find((row) => row.kind === 'found')?.n ?? 0;
    return { rows, found };
  };

  return {
    kind: 'database',
    embedsImages: false,

    async ensureCollection() {
      // The tables come from the migrations (`glimpse migrate`, or at start embedded); here we only check they are there.
      await call('check the search tables', () => db.query('SELECT 1 FROM search_documents LIMIT 1'));
    },

    async upsert(batch) {
      // The last version of a document in the batch wins, as when they are written one by one.
      const prepared = [...new Map(batch.map((doc, index) => [doc.id, prepareDocument(doc, index)])).values()];
      for (let start = 0; start < prepared.length; start += batchSize) {
        const statements = upsertStatements(prepared.slice(start, start + batchSize));
        await call('upsert documents', () =>
          db.transaction(async (tx) => {
            for (const statement of statements) await tx.query(statement.sql, statement.params);
          }),
        );
      }
    },

    async remove(ids) {
      if (ids.length === 0) return;
      const statements = removeStatements(ids);
      await call('remove documents', () =>
        db.transaction(async (tx) => {
          for (const statement of statements) await tx.query(statement.sql, statement.params);
        }),
      );
    },

    async search(query): Promise<SearchResult> {
      const normalized = normalizeQuery(query);
      const plan = normalized.text ? planText(normalized.text) : null;
      // Text made only of punctuation has no word to match: nothing is found, as in the embedded index.
      if (plan && plan.terms.length === 0) return { hits: [], found: 0, facets: { tags: [], colors: [], camera: [], orientation: [] }, page: normalized.page };
      let answer = await call('search', () => searchOnce(searchStatement(normalized, plan, false)));
      // As Typesense does (typo_tokens_threshold 1): typos are tried only when the words as spelt find nothing.
      if (answer.found === 0 && plan?.terms.some((term) => !term.optional && term.typos > 0)) {
        answer = await call('search with typos', () => searchOnce(searchStatement(normalized, plan, true)));
      }
      const of = (kind: ResultRow['kind']) => answer.rows.filter((row) => row.kind === kind);
      const counts = (kind: ResultRow['kind']) => of(kind).map((row): [string, number] => [row.value as string, row.n]);
      return {
        hits: of('hit')
          .sort((a, b) => a.n - b.n)
          .map((row) => ({ id: row.value as string, score: row.score ?? 0 })),
        found: answer.found,
        facets: { tags: rankFacet(counts('tags')), colors: rankFacet(counts('colors')), camera: rankFacet(counts('camera')), orientation: rankFacet(counts('orientation')) },
        page: normalized.page,
      };
    },

    async suggest(prefix, viewerId, limit): Promise<Suggestion[]> {
      const normalized = normalizeSuggest(prefix, viewerId, limit);
      if (!normalized) return [];
      const { sql, params } = suggestStatement(normalized);
      const rows = await call('suggest', () => db.query<{ kind: 'tag' | 'user'; value: string; n: number }>(sql, params));
      return rankSuggestions(
        rows.map((row) => ({ kind: row.kind, value: row.value, count: row.n })),
        normalized.limit,
      );
    },

    async count() {
      const [row] = await call('count documents', () => db.query<{ n: number }>('SELECT count(*) AS n FROM search_documents'));
      return row?.n ?? 0;
    },

    async clear() {
      await call('clear the search tables', () =>
        db.transaction(async (tx) => {
          await tx.query('DELETE FROM search_terms');
          await tx.query('DELETE FROM search_words');
          await tx.query('DELETE FROM search_documents');
        }),
      );
    },

    async ping() {
      await call('ping', () => db.query('SELECT 1 FROM search_documents LIMIT 1'));
    },
  };
}

/** SQLSTATE classes that mean the database cannot answer now (connection, resources, shutdown, contention), not that we asked wrongly. */
const unavailableStates = /^(08|53|57|58|40)/;

function describeFailure(error: unknown, what: string): Error {
  if (error instanceof SearchIndexError || isGlimpseError(error)) return error;
  const said = error instanceof Error ? error.message : String(error);
  const cause = { cause: error };
  // A server's answer (pg and PGlite both give DatabaseError, with a severity); anything else never reached it.
  const state = error instanceof Error && 'severity' in error ? (error as { code?: string }).code : undefined;
  if (state === '42P01' || state === '42883') {
    return new SearchIndexError(
      'SEARCH_COLLECTION_MISSING',
      `Search in the database is not set up (${what}: ${said}): run \`glimpse migrate\` (migration 0004_search_documents creates its tables and the fuzzystrmatch extension), then \`glimpse reindex\``,
      undefined,
      cause,
    );
  }
  if (state === undefined || unavailableStates.test(state)) {
    const code = (error as { code?: unknown } | null)?.code;
    return new SearchIndexError('SEARCH_UNAVAILABLE', `Search index is unavailable: the database could not ${what} (${[code, said].filter(Boolean).join(' ')})`, undefined, cause);
  }
  return new SearchIndexError('SEARCH_REQUEST_REJECTED', `The database refused to ${what} (${state}): ${said}`, undefined, cause);
}
