import { createHash } from 'node:crypto';
import type { RecordedRequest, Reply, Route } from './fake-typesense';

/**
 * A small Typesense for the fake server: one collection, kept in memory, that checks what
 * the documented API checks and answers as it answers. Typesense has no build for this
 * machine and its CLIP model (ts/clip-vit-b-p32) no copy here, so two things stand in:
 * keyword matching is whole words and prefixes (no typos), and CLIP is `shows`, which the
 * test fills with what each image shows. Hybrid ranking follows the docs ("Vector Search" ›
 * "Hybrid Search"): rank_fusion_score = (1 - alpha) / keyword rank + alpha / vector rank.
 *
 * The checks, each a 400 (or a failed import line) with Typesense's wording where we know it:
 * field types; `embed` only on a `float[]` field, `from` naming string or image fields of the
 * schema, `model_config.model_name` a built-in model, an image field embedded only by a CLIP
 * model; an upsert without a declared, non-optional field; `query_by` fields that exist,
 * `query_by_weights` as long as `query_by`, `vector_query` on an embedding field.
 */

const FIELD_TYPES = new Set(['string', 'int32', 'int64', 'float', 'bool', 'string[]', 'int32[]', 'int64[]', 'float[]', 'bool[]', 'image', 'auto', 'string*', 'object', 'object[]']);
/** Typesense's built-in models (huggingface.co/typesense/models); only the CLIP one embeds images. */
const BUILT_IN_MODELS = new Set(['ts/clip-vit-b-p32', 'ts/e5-small', 'ts/e5-small-v2', 'ts/all-MiniLM-L12-v2', 'ts/multilingual-e5-small']);
const CLIP_MODELS = new Set(['ts/clip-vit-b-p32']);

interface Field {
  name: string;
  type: string;
  facet?: boolean;
  optional?: boolean;
  store?: boolean;
  embed?: { from?: unknown; model_config?: { model_name?: unknown } };
}

interface Stored {
  document: Record<string, unknown>;
  /** What the stand-in CLIP sees in the document's image (from `shows`). */
  concepts: string[];
  /** A stable tie-break, from the image's bytes. */
  imageHash: number;
}

export interface FakeEngine {
  route: Route;
  /** Stand-in for CLIP: base64 image → the words a CLIP text query would land near. */
  shows: Map<string, string[]>;
  /** The documents as stored (no `image`: the field is declared store: false). */
  documents(): Array<Record<string, unknown>>;
}

const bad = (message: string): Reply => ({ status: 400, json: { message } });
const words = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value])
    .filter((part): part is string => typeof part === 'string')
    .flatMap((part) => part.toLowerCase().split(/[^\p{L}\p{N}]+/u))
    .filter(Boolean);

function checkSchema(body: { name?: unknown; fields?: unknown }): string | undefined {
  if (typeof body.name !== 'string' || !Array.isArray(body.fields)) return 'Parameter `name` and `fields` are required.';
  const fields = body.fields as Field[];
  const byName = new Map(fields.map((field) => [field.name, field]));
  for (const field of fields) {
    if (!FIELD_TYPES.has(field.type)) return `Field \`${field.name}\` has an invalid data type \`${field.type}\``;
    if (field.type === 'image' && field.facet) return `Field \`${field.name}\` of type image cannot be a facet.`;
    if (!field.embed) continue;
    if (field.type !== 'float[]') return 'Fields with the `embed` parameter can only be of type `float[]`.';
    const { from, model_config: model } = field.embed;
    if (!Array.isArray(from) || from.length === 0) return 'Property `embed.from` must be a non-empty array.';
    if (typeof model?.model_name !== 'string') return 'Property `embed.model_config.model_name` is missing.';
    if (!BUILT_IN_MODELS.has(model.model_name)) return `Model \`${model.model_name}\` is not a built-in model.`;
    for (const source of from) {
      const sourceField = byName.get(String(source));
      if (!sourceField) return `Property \`embed.from\` can only refer to fields of the schema, got \`${String(source)}\`.`;
      if (!['string', 'string[]', 'image'].includes(sourceField.type)) return `Property \`embed.from\` can only refer to string, string array or image fields.`;
      if (sourceField.type === 'image' && !CLIP_MODELS.has(model.model_name)) return `Only CLIP models can embed the image field \`${sourceField.name}\`.`;
    }
  }
  return undefined;
}

const isImage = (base64: string) => {
  const head = Buffer.from(base64.slice(0, 16), 'base64');
  // "Image Search": a base64 string of a BMP, JPG or PNG image.
  return (head[0] === 0xff && head[1] === 0xd8) || head.subarray(0, 4).toString('latin1') === '\x89PNG' || head.subarray(0, 2).toString('latin1') === 'BM';
};

/** The filter clauses our adapter writes: field:=v, field:=[a,b], field:!=[a,b], field:>=n, field:<=n, (A || B). */
function matchesFilter(document: Record<string, unknown>, filter: string | undefined): boolean {
  if (!filter) return true;
  const clause = (text: string): boolean => {
    const trimmed = text.trim();
    if (trimmed.startsWith('(') && trimmed.endsWith(')')) return trimmed.slice(1, -1).split(' || ').some(clause);
    const found = /^(\w+):(!=|=|>=|<=|)(.*)$/.exec(trimmed);
    if (!found) throw new Error(`Could not parse the filter query: ${trimmed}`);
    const [, field, operator, raw] = found as unknown as [string, string, string, string];
    const unquote = (value: string) => value.trim().replace(/^`|`$/g, '');
    const values = raw.startsWith('[') ? raw.slice(1, -1).split(',').map(unquote) : [unquote(raw)];
    const actual = document[field];
    const actualValues = (Array.isArray(actual) ? actual : [actual]).map(String);
    if (operator === '>=') return Number(actual) >= Number(values[0]);
    if (operator === '<=') return Number(actual) <= Number(values[0]);
    const any = values.some((value) => actualValues.includes(value));
    return operator === '!=' ? !any : any;
  };
  return filter.split(' && ').every(clause);
}

export function createFakeEngine(): FakeEngine {
  type Schema = Record<string, unknown> & { name: string; fields: Field[] };
  let schema: Schema | undefined;
  const stored = new Map<string, Stored>();
  const shows = new Map<string, string[]>();

  const collectionJson = () => ({ ...schema, num_documents: stored.size, created_at: 1_735_689_600 });

  const importDocuments = (request: RecordedRequest): Reply => {
    const fields = schema!.fields;
    const lines = request.body.split('\n').filter(Boolean).map((line) => {
      const document = JSON.parse(line) as Record<string, unknown>;
      for (const field of fields) {
        if (field.embed || field.optional) continue;
        if (!(field.name in document)) return { success: false, error: `Field \`${field.name}\` has been declared in the schema, but is not found in the document.`, document: line, code: 400 };
        if (field.type === 'image' && (typeof document[field.name] !== 'string' || !isImage(document[field.name] as string))) {
          return { success: false, error: `Field \`${field.name}\` must be a base64 encoded string of a BMP, JPG or PNG image.`, document: line, code: 400 };
        }
      }
      const imageField = fields.find((field) => field.type === 'image');
      const image = imageField ? String(document[imageField.name]) : '';
      const kept = Object.fromEntries(Object.entries(document).filter(([name]) => !fields.some((field) => field.name === name && field.store === false)));
      stored.set(String(document.id), { document: kept, concepts: shows.get(image) ?? [], imageHash: createHash('sha256').update(image).digest().readUInt32BE(0) });
      return { success: true };
    });
    return { status: 200, text: lines.map((line) => JSON.stringify(line)).join('\n') };
  };

  const search = (query: Record<string, string>): Reply => {
    const fields = schema!.fields;
    const queryBy = (query.query_by ?? '').split(',').filter(Boolean);
    if (queryBy.length === 0) return bad('Parameter `query_by` is required.');
    for (const name of queryBy) if (!fields.some((field) => field.name === name)) return bad(`Could not find a field named \`${name}\` in the schema.`);
    if (query.query_by_weights !== undefined && query.query_by_weights.split(',').length !== queryBy.length) {
      return bad('Number of weights in `query_by_weights` does not match number of `query_by` fields.');
    }
    const embeddingFields = queryBy.filter((name) => fields.find((field) => field.name === name)?.embed);
    const keywordFields = queryBy.filter((name) => !embeddingFields.includes(name));
    let alpha = 0.3;
    if (query.vector_query !== undefined) {
      const vector = /^(\w+):\(\[\]((?:,\s*\w+:\s*[\w.]+)*)\)$/.exec(query.vector_query);
      if (!vector) return bad(`Malformed vector query string: \`${query.vector_query}\``);
      const target = fields.find((field) => field.name === vector[1]);
      if (!target?.embed) return bad(`Field \`${vector[1]}\` does not have a vector query index.`);
      if (!embeddingFields.includes(target.name)) return bad('An empty query vector needs its embedding field in `query_by`, so that `q` can be embedded.');
      const options = Object.fromEntries([...(vector[2] ?? '').matchAll(/(\w+):\s*([\w.]+)/g)].map((match) => [match[1], match[2]]));
      if (options.alpha !== undefined) {
        alpha = Number(options.alpha);
        if (!(alpha >= 0 && alpha <= 1)) return bad('Malformed vector query string: `alpha` must be between 0 and 1.');
      }
    }
    const k = Number(/k:\s*(\d+)/.exec(query.vector_query ?? '')?.[1] ?? 250);
    let visible: Stored[];
    try {
      visible = [...stored.values()].filter((entry) => matchesFilter(entry.document, query.filter_by));
    } catch (error) {
      return bad((error as Error).message);
    }
    const terms = query.q === '*' ? [] : words(query.q);
    const keywordHits = terms.length === 0
      ? visible
      : visible.filter((entry) => terms.every((term, i) => keywordFields.some((name) => words(entry.document[name]).some((word) => word === term || (i === terms.length - 1 && word.startsWith(term))))));
    const keywordRank = new Map(keywordHits.map((entry, i) => [entry, i + 1]));
    // The stand-in CLIP: near (0.2) when the image shows a word of the query, far (0.8 and a little) otherwise.
    const distance = (entry: Stored) => (entry.concepts.some((concept) => terms.includes(concept)) ? 0.2 : 0.8) + (entry.imageHash % 1000) / 1e6;
    const vectorHits = embeddingFields.length && terms.length ? [...visible].sort((a, b) => distance(a) - distance(b)).slice(0, k) : [];
    const vectorRank = new Map(vectorHits.map((entry, i) => [entry, i + 1]));
    const hybrid = vectorHits.length > 0;
    const all = [...new Set([...keywordHits, ...vectorHits])];
    const fusion = (entry: Stored) => (keywordRank.has(entry) ? (1 - alpha) / keywordRank.get(entry)! : 0) + (vectorRank.has(entry) ? alpha / vectorRank.get(entry)! : 0);
    const sortBy = (query.sort_by ?? '_text_match:desc').split(',').map((part) => part.split(':') as [string, string]);
    all.sort((a, b) => {
      for (const [field, direction] of sortBy) {
        const sign = direction === 'asc' ? 1 : -1;
        const [x, y] = field === '_text_match' ? (hybrid ? [fusion(a), fusion(b)] : [keywordRank.get(b)!, keywordRank.get(a)!]) : [Number(a.document[field]), Number(b.document[field])];
        if (x !== y) return sign * (x < y ? -1 : 1);
      }
      return 0;
    });
    const facets = (query.facet_by ?? '').split(',').filter(Boolean).map((name) => {
      const counts = new Map<string, number>();
      for (const entry of all) for (const value of [entry.document[name]].flat()) counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
      return { field_name: name, sampled: false, stats: { total_values: counts.size }, counts: [...counts].map(([value, count]) => ({ value, highlighted: value, count })) };
    });
    const page = Number(query.page ?? 1);
    const perPage = Number(query.per_page ?? 10);
    const hits = all.slice((page - 1) * perPage, page * perPage).map((entry) => ({
      document: { id: entry.document.id },
      highlight: {},
      highlights: [],
      ...(keywordRank.has(entry) && terms.length ? { text_match: 1_000_000 - keywordRank.get(entry)!, text_match_info: { score: String(1_000_000 - keywordRank.get(entry)!), tokens_matched: terms.length } } : {}),
      ...(hybrid ? { vector_distance: distance(entry), hybrid_search_info: { rank_fusion_score: fusion(entry) } } : {}),
    }));
    return { status: 200, json: { facet_counts: facets, found: all.length, out_of: stored.size, page, request_params: { collection_name: schema!.name, per_page: perPage, q: query.q }, search_cutoff: false, search_time_ms: 1, hits } };
  };

  const route: Route = (request) => {
    const name = schema?.name ?? 'images';
    if (request.method === 'POST' && request.path === '/collections') {
      const body = JSON.parse(request.body) as { name?: unknown; fields?: unknown };
      const problem = checkSchema(body);
      if (problem) return bad(problem);
      if (schema) return { status: 409, json: { message: `A collection with name \`${schema.name}\` already exists.` } };
      schema = body as Schema;
      return { status: 201, json: collectionJson() };
    }
    if (!schema || !request.path.startsWith(`/collections/${name}`)) return { status: 404, json: { message: 'Not Found' } };
    const rest = request.path.slice(`/collections/${name}`.length);
    if (request.method === 'GET' && rest === '') return { status: 200, json: collectionJson() };
    if (request.method === 'POST' && rest === '/documents/import') return importDocuments(request);
    if (request.method === 'GET' && rest === '/documents/search') return search(request.query);
    if (request.method === 'DELETE' && rest.startsWith('/documents/')) {
      const id = rest.slice('/documents/'.length);
      return stored.delete(id) ? { status: 200, json: { id } } : { status: 404, json: { message: `Could not find a document with id: ${id}` } };
    }
    return undefined;
  };

  return { route, shows, documents: () => [...stored.values()].map((entry) => entry.document) };
}
