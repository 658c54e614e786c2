import { FACET_LIMIT, tagFieldOf, TEXT_FIELDS, wordsOf, type NormalizedQuery, type NormalizedSuggest } from './query';
import type { SearchDocument } from './search-index';
import { COMPLETE_MATCH_BONUS, MATCH_QUALITY, PHRASE_BONUS, PHRASE_FIELDS, transpositionsOf, wordsNeeded, type TextPlan, type TextTerm } from './text-plan';

/**
 * The SQL of the database adapter, as pure functions: statements and their parameters.
 * Kept to what CockroachDB, PostgreSQL and PGlite all run: plain B-tree and inverted (GIN)
 * indexes, `@>` and `&&` on TEXT[], `unnest`, window functions, `levenshtein()`
 * (fuzzystrmatch; built into CockroachDB). No sequences, locks or LISTEN/NOTIFY.
 */

export interface Statement {
  sql: string;
  params: unknown[];
}

/** Positional parameters of one statement. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Each word of a document once, with the weights of the fields that hold it added up. */
export function documentWords(doc: SearchDocument): Map<string, number> {
  const fields: Record<keyof typeof TEXT_FIELDS, string> = {
    title: doc.title,
    userTags: doc.userTags.join(' '),
    machineTags: doc.machineTags.join(' '),
    ownerUsername: doc.ownerUsername,
    description: doc.description,
  };
  const weights = new Map<string, number>();
  for (const [field, weight] of Object.entries(TEXT_FIELDS) as Array<[keyof typeof TEXT_FIELDS, number]>) {
    for (const word of new Set(wordsOf(fields[field]))) weights.set(word, (weights.get(word) ?? 0) + weight);
  }
  return weights;
}

/** Public documents, and the viewer's own of any visibility. */
function visibleTo(viewerId: string | null, params: Params, table = 'd'): string {
  return viewerId === null ? `${table}.visibility = 'public'` : `(${table}.visibility = 'public' OR ${table}.owner_id = ${params.add(viewerId)})`;
}

function filterClauses(query: NormalizedQuery, params: Params): string[] {
  const clauses = [visibleTo(query.viewerId, params)];
  if (query.excludeIds.length > 0) clauses.push(`d.id <> ALL(${params.add(query.excludeIds)}::TEXT[])`);
  if (query.tags.length > 0) clauses.push(`d.tags @> ${params.add(query.tags)}::TEXT[]`);
  // The GIN index on `tags` narrows; the document says whose tags they are.
  if (query.tags.length > 0 && query.tagSource !== 'any') clauses.push(`(d.document -> '${tagFieldOf(query.tagSource)}') @> ${params.add(JSON.stringify(query.tags))}::JSONB`);
  if (query.colors.length > 0) clauses.push(`d.colors && ${params.add(query.colors)}::TEXT[]`);
  // The camera lives in the document's JSON (no column of its own): matched set only, never a scan of its own.
  if (query.camera.length > 0) clauses.push(`lower(d.document->>'camera') = ANY(${params.add(query.camera)}::TEXT[])`);
  if (query.orientation) clauses.push(`d.orientation = ${params.add(query.orientation)}`);
  if (query.owner) clauses.push(`d.owner_username = ${params.add(query.owner)}`);
  if (query.createdAfter !== undefined) clauses.push(`d.created_at >= ${params.add(query.createdAfter)}::INT8`);
  if (query.createdBefore !== undefined) clauses.push(`d.created_at <= ${params.add(query.createdBefore)}::INT8`);
  return clauses;
}

/**
 * Two CTEs per query word: the words of the vocabulary it matches, each with how well
 * (exactly, as a prefix, or within its typo budget), then each document's best match.
 * Query words hold only letters and digits, so a LIKE pattern built from one is literal.
 * A typo is an edit or a transposition: the distance is the fewer of levenshtein() to the
 * word and 1 + levenshtein() to the word with two neighbouring letters swapped.
 */
function termCtes(term: TextTerm, index: number, withTypos: boolean, params: Params): string[] {
  const word = params.add(term.word);
  const matches = [`w.word = ${word}`];
  let quality = `CASE WHEN w.word = ${word} THEN ${MATCH_QUALITY.exact}::FLOAT8`;
  if (term.prefix) {
    const pattern = params.add(`${term.word}%`);
    matches.push(`w.word LIKE ${pattern}`);
    quality += ` WHEN w.word LIKE ${pattern} THEN ${MATCH_QUALITY.prefix}::FLOAT8`;
  }
  let words = 'search_words w';
  if (withTypos && term.typos > 0) {
    const [shortest, longest] = [Math.max(1, term.word.length - term.typos), term.word.length + term.typos];
    const swapped = params.add(transpositionsOf(term.word));
    // CASE first: levenshtein() never sees a word too long for it.
    const typos = `CASE WHEN length(v.word) BETWEEN ${shortest} AND ${longest}
      THEN least(levenshtein(v.word, ${word}), COALESCE(1 + (SELECT min(levenshtein(v.word, s.variant)) FROM unnest(${swapped}::TEXT[]) AS s(variant)), 99))
      ELSE 99 END`;
    words = `(SELECT v.word, ${typos} AS typos FROM search_words v) w`;
    matches.push(`w.typos <= ${term.typos}`);
    quality += ` ELSE ${MATCH_QUALITY.typo}::FLOAT8 / w.typos::FLOAT8`;
  }
  quality += ' END';
  return [
    `t${index} AS (SELECT w.word, ${quality} AS quality FROM ${words} WHERE ${matches.join(' OR ')})`,
    `m${index} AS (SELECT p.document_id, max(p.weight::FLOAT8 * t${index}.quality) AS score FROM search_terms p JOIN t${index} ON t${index}.word = p.word GROUP BY p.document_id)`,
  ];
}

/** A field's text as the index splits it, between spaces, so ' first second ' finds the two words side by side. */
const spacedWords = (field: string) => `' ' || regexp_replace(lower(d.document->>'${field}'), '[^[:alnum:]]+', ' ', 'g') || ' '`;

/** PHRASE_BONUS × the field's weight for each pair of query words side by side, in order, in the title or description. */
function phraseBonus(plan: TextPlan, params: Params): string {
  const parts = plan.pairs.flatMap((pair) => {
    const needle = params.add(` ${pair.first} ${pair.second}${pair.prefix ? '' : ' '}`);
    return (Object.entries(PHRASE_FIELDS) as Array<[string, number]>).map(
      ([field, weight]) => `CASE WHEN strpos(texts.${field}, ${needle}) > 0 THEN ${PHRASE_BONUS * weight}::FLOAT8 ELSE 0::FLOAT8 END`,
    );
  });
  return parts.join(' + ');
}

function orderBy(query: NormalizedQuery, hasText: boolean): string {
  switch (query.sort) {
    case 'relevance':
      return hasText ? 'score DESC, created_at DESC, id' : 'created_at DESC, id';
    case 'most_liked':
      return 'like_count DESC, created_at DESC, id';
    case 'newest':
      return 'created_at DESC, id';
  }
}

/**
 * One statement for a whole answer: the page of hits (with their place in it), the number
 * found, and the facets, all over the same `matched` set, which visibility and every filter
 * already narrowed. Rows: kind 'hit' | 'found' | 'tags' | 'colors' | 'camera' | 'orientation'.
 */
export function searchStatement(query: NormalizedQuery, plan: TextPlan | null, withTypos: boolean): Statement {
  const params = new Params();
  const terms = plan?.terms ?? [];
  const ctes = terms.flatMap((term, index) => termCtes(term, index, withTypos, params));
  // Every word that is not optional must match (all but one in a long query); stop words and short words only add to the score.
  const required = terms.flatMap((term, index) => (term.optional ? [] : [index]));
  const partial = wordsNeeded(required.length) < required.length;
  const joinsAll = (index: number) => !terms[index]?.optional && !partial;
  const joins = terms.map((_, index) => `${joinsAll(index) ? 'JOIN' : 'LEFT JOIN'} m${index} ON m${index}.document_id = d.id`).join(' ');
  const scores = terms.map((_, index) => (joinsAll(index) ? `m${index}.score` : `COALESCE(m${index}.score, 0::FLOAT8)`));
  const held = required.map((index) => `(CASE WHEN m${index}.document_id IS NULL THEN 0 ELSE 1 END)`).join(' + ');
  if (partial) scores.push(`CASE WHEN ${held} = ${required.length} THEN ${COMPLETE_MATCH_BONUS}::FLOAT8 ELSE 0::FLOAT8 END`);
  const phrases = plan && plan.pairs.length > 0 ? phraseBonus(plan, params) : '';
  if (phrases) scores.push(phrases);
  const texts = phrases ? `CROSS JOIN LATERAL (SELECT ${spacedWords('title')} AS title, ${spacedWords('description')} AS description) AS texts` : '';
  const score = scores.length > 0 ? scores.join(' + ') : '0::FLOAT8';
  const clauses = filterClauses(query, params);
  if (partial) clauses.push(`${held} >= ${wordsNeeded(required.length)}`);
  const where = clauses.join(' AND ');
  ctes.push(`matched AS (SELECT d.id, d.created_at, d.like_count, d.tags, d.colors, d.orientation, d.document->>'camera' AS camera, (${score}) AS score FROM search_documents d ${joins} ${texts} WHERE ${where})`);
  const order = orderBy(query, terms.length > 0);
  const offset = (query.page - 1) * query.perPage;
  const facet = (kind: 'tags' | 'colors') =>
    `SELECT * FROM (SELECT '${kind}'::TEXT AS kind, value, NULL::FLOAT8 AS score, count(*) AS n FROM matched, unnest(matched.${kind}) AS f(value) GROUP BY value ORDER BY n DESC, value LIMIT ${FACET_LIMIT}) AS ${kind}_facet`;
  const sql = `WITH ${ctes.join(',\n')}
SELECT 'hit'::TEXT AS kind, id AS value, score, row_number() OVER (ORDER BY ${order}) AS n
  FROM (SELECT id, score, created_at, like_count FROM matched ORDER BY ${order} LIMIT ${query.perPage} OFFSET ${offset}) AS page
UNION ALL SELECT 'found'::TEXT, NULL::TEXT, NULL::FLOAT8, count(*) FROM matched
UNION ALL ${facet('tags')}
UNION ALL ${facet('colors')}
UNION ALL SELECT * FROM (SELECT 'camera'::TEXT AS kind, camera AS value, NULL::FLOAT8 AS score, count(*) AS n FROM matched WHERE camera IS NOT NULL GROUP BY camera ORDER BY n DESC, camera LIMIT ${FACET_LIMIT}) AS camera_facet
UNION ALL SELECT 'orientation'::TEXT, orientation, NULL::FLOAT8, count(*) FROM matched GROUP BY orientation`;
  return { sql, params: params.values };
}

/** Tags and usernames starting with the prefixes, counted over the documents the viewer may see. */
export function suggestStatement(suggest: NormalizedSuggest): Statement {
  const params = new Params();
  const parts: string[] = [];
  // left(), not LIKE: a username may hold '_', which LIKE would take for a wildcard.
  if (suggest.tagPrefix) {
    const prefix = params.add(suggest.tagPrefix);
    parts.push(`SELECT * FROM (SELECT 'tag'::TEXT AS kind, value, count(*) AS n FROM search_documents d, unnest(d.tags) AS t(value)
      WHERE ${visibleTo(suggest.viewerId, params)} AND left(value, ${suggest.tagPrefix.length}) = ${prefix}
      GROUP BY value ORDER BY n DESC, value LIMIT ${suggest.limit}) AS tag_suggestions`);
  }
  if (suggest.userPrefix) {
    const prefix = params.add(suggest.userPrefix);
    parts.push(`SELECT * FROM (SELECT 'user'::TEXT AS kind, d.owner_username AS value, count(*) AS n FROM search_documents d
      WHERE ${visibleTo(suggest.viewerId, params)} AND left(d.owner_username, ${suggest.userPrefix.length}) = ${prefix}
      GROUP BY d.owner_username ORDER BY n DESC, value LIMIT ${suggest.limit}) AS user_suggestions`);
  }
  return { sql: parts.join('\nUNION ALL '), params: params.values };
}

/** Rows of `(…), (…)` with `columns` parameters each, in statements of at most ~30,000 parameters. */
function valuesChunks<T>(items: readonly T[], row: (item: T, params: Params) => string, perRow: number): Array<{ values: string; params: unknown[] }> {
  const chunks: Array<{ values: string; params: unknown[] }> = [];
  const size = Math.max(1, Math.floor(30_000 / perRow));
  for (let start = 0; start < items.length; start += size) {
    const params = new Params();
    const values = items.slice(start, start + size).map((item) => `(${row(item, params)})`).join(', ');
    chunks.push({ values, params: params.values });
  }
  return chunks;
}

/**
 * Writes a batch of prepared documents (distinct ids): the document rows, their words in the
 * vocabulary and the word table. Rows go in sorted order, so concurrent writers take locks
 * in the same order.
 */
export function upsertStatements(documents: readonly SearchDocument[]): Statement[] {
  const sorted = [...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ids = sorted.map((doc) => doc.id);
  const postings: Array<{ word: string; id: string; weight: number }> = [];
  const vocabulary = new Set<string>();
  for (const doc of sorted) {
    for (const [word, weight] of documentWords(doc)) {
      postings.push({ word, id: doc.id, weight });
      vocabulary.add(word);
    }
  }
  postings.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const statements: Statement[] = [{ sql: 'DELETE FROM search_terms WHERE document_id = ANY($1::TEXT[])', params: [ids] }];
  const documentRow = (doc: SearchDocument, params: Params) =>
    [
      params.add(doc.id),
      params.add(doc.ownerId),
      params.add(doc.ownerUsername),
      params.add(doc.visibility),
      params.add(doc.orientation),
      `${params.add(doc.tags)}::TEXT[]`,
      `${params.add(doc.colors)}::TEXT[]`,
      `${params.add(doc.likeCount)}::INT8`,
      `${params.add(doc.createdAt)}::INT8`,
      `${params.add(JSON.stringify(doc))}::JSONB`,
    ].join(', ');
  for (const { values, params } of valuesChunks(sorted, documentRow, 10)) {
    statements.push({
      sql: `INSERT INTO search_documents (id, owner_id, owner_username, visibility, orientation, tags, colors, like_count, created_at, document)
        VALUES ${values}
        ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, owner_username = excluded.owner_username, visibility = excluded.visibility,
          orientation = excluded.orientation, tags = excluded.tags, colors = excluded.colors, like_count = excluded.like_count,
          created_at = excluded.created_at, document = excluded.document`,
      params,
    });
  }
  if (vocabulary.size > 0) {
    statements.push({
      sql: 'INSERT INTO search_words (word) SELECT w.word FROM unnest($1::TEXT[]) AS w(word) ON CONFLICT (word) DO NOTHING',
      params: [[...vocabulary].sort()],
    });
  }
  const postingRow = (posting: { word: string; id: string; weight: number }, params: Params) => `${params.add(posting.word)}, ${params.add(posting.id)}, ${params.add(posting.weight)}::INT8`;
  for (const { values, params } of valuesChunks(postings, postingRow, 3)) {
    statements.push({ sql: `INSERT INTO search_terms (word, document_id, weight) VALUES ${values}`, params });
  }
  return statements;
}

export function removeStatements(ids: readonly string[]): Statement[] {
  const sorted = [...new Set(ids)].sort();
  return [
    { sql: 'DELETE FROM search_terms WHERE document_id = ANY($1::TEXT[])', params: [sorted] },
    { sql: 'DELETE FROM search_documents WHERE id = ANY($1::TEXT[])', params: [sorted] },
  ];
}
