import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTypesenseSearchIndex, type SearchIndex, type SearchQuery } from '@glimpse/search-index';
import { doc } from './contract';
import { collectionResponse, searchResponse, startFakeTypesense, type FakeTypesense, type RecordedRequest } from './fake-typesense';

/**
 * The Typesense adapter against Typesense's documented API: a fake server on 127.0.0.1
 * checks that the official client sends exactly the documented requests, and answers
 * with documented responses. (A live server runs the shared contract: typesense.live.test.ts.)
 */

let fake: FakeTypesense;
let index: SearchIndex;
const apiKey = 'test-key-123';
beforeAll(async () => {
  fake = await startFakeTypesense();
  index = createTypesenseSearchIndex({ url: `${fake.url}/`, apiKey, retries: 1 });
});
afterAll(() => fake.close());

const only = (method: string, path: string) => (request: RecordedRequest) => request.method === method && request.path === path;
const searches = () => fake.requests.filter(only('GET', '/collections/images/documents/search'));
const emptySearch = searchResponse({ found: 0, page: 1, ids: [], facets: { tags: [], colors: [], camera: [], orientation: [] } });

describe('Typesense adapter: writes', () => {
  it('creates the collection with its schema when missing, sending the API key', async () => {
    fake.route((request) => (request.method === 'POST' ? { status: 201, json: collectionResponse('images', 0) } : undefined));
    await index.ensureCollection();
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /collections/images', 'POST /collections']);
    expect(fake.requests.every((request) => request.headers['x-typesense-api-key'] === apiKey)).toBe(true);
    const schema = JSON.parse(fake.requests[1]?.body ?? '{}');
    expect(schema).toEqual({
      name: 'images',
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
        { name: 'camera', type: 'string', facet: true, optional: true },
        { name: 'orientation', type: 'string', facet: true },
        { name: 'width', type: 'int32' },
        { name: 'height', type: 'int32' },
        { name: 'likeCount', type: 'int32' },
        { name: 'createdAt', type: 'int64' },
      ],
      default_sorting_field: 'createdAt',
      token_separators: ['-', '_'],
    });
  });

  it('leaves an existing collection alone, and takes a 409 from a replica that created it first as done', async () => {
    fake.route((request) => (request.method === 'GET' ? { status: 200, json: collectionResponse('images', 5) } : undefined));
    await index.ensureCollection();
    expect(fake.requests.map((request) => request.method)).toEqual(['GET']);
    fake.route((request) => (request.method === 'POST' ? { status: 409, json: { message: 'A collection with name `images` already exists.' } } : undefined));
    await expect(index.ensureCollection()).resolves.toBeUndefined();
  });

  it('adds the camera field in place to a collection made before it (PATCH /collections/images), a replica having done it being fine', async () => {
    fake.route((request) =>
      request.method === 'GET' ? { status: 200, json: collectionResponse('images', 5, ['title']) } : request.method === 'PATCH' ? { status: 200, json: { fields: [] } } : undefined,
    );
    await index.ensureCollection();
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /collections/images', 'PATCH /collections/images']);
    expect(JSON.parse(fake.requests[1]?.body ?? '{}')).toEqual({ fields: [{ name: 'camera', type: 'string', facet: true, optional: true }] });
    fake.route((request) =>
      request.method === 'GET'
        ? { status: 200, json: collectionResponse('images', 5, ['title']) }
        : { status: 400, json: { message: 'Field `camera` is already part of the schema: To change its type, drop the field first.' } },
    );
    await expect(index.ensureCollection()).resolves.toBeUndefined();
  });

  it('upserts through documents/import?action=upsert as JSON lines, 1,000 documents a request, in lower case', async () => {
    fake.route((request) => ({ status: 200, text: request.body.split('\n').map(() => '{"success":true}').join('\n') }));
    const documents = Array.from({ length: 2_500 }, (_, i) => doc(`img-${i}`, { tags: ['Sunset', 'new-york'], colors: ['Blue'], likeCount: i }));
    await index.upsert(documents);
    await index.upsert([]);
    expect(fake.requests).toHaveLength(3);
    for (const request of fake.requests) {
      expect(request).toMatchObject({ method: 'POST', path: '/collections/images/documents/import', query: { action: 'upsert' } });
      expect(request.headers['content-type']).toMatch(/^text\/plain/);
    }
    const lines = fake.requests.map((request) => request.body.split('\n'));
    expect(lines.map((batch) => batch.length)).toEqual([1_000, 1_000, 500]);
    // A tag without a source is the owner's (userTags), which ranks above a machine label.
    expect(JSON.parse(lines[2]?.[499] ?? '')).toEqual({ ...doc('img-2499'), tags: ['sunset', 'new-york'], userTags: ['sunset', 'new-york'], colors: ['blue'], camera: null, likeCount: 2499 });
  });

  it("reports documents Typesense refused on import with Typesense's reason", async () => {
    const refusal = { success: false, error: 'Field `likeCount` must be an int32.', document: '{"id":"bad"}', code: 400 };
    fake.route(() => ({ status: 200, text: `{"success":true}\n${JSON.stringify(refusal)}` }));
    const failure = index.upsert([doc('good'), doc('bad')]);
    await expect(failure).rejects.toMatchObject({ name: 'SearchIndexError', code: 'SEARCH_REQUEST_REJECTED' });
    await expect(failure).rejects.toThrow('refused 1 of 2 documents in POST /collections/images/documents/import?action=upsert: document: Field `likeCount` must be an int32.');
  });

  it('removes each document with DELETE documents/{id}, an unknown id (404) being fine', async () => {
    fake.route((request) => (request.path.endsWith('/gone') ? { status: 404, json: { message: 'Could not find a document with id: gone' } } : { status: 200, json: { id: 'x' } }));
    await index.remove(['a/b', 'gone', 'c', 'c']);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual([
      'DELETE /collections/images/documents/a/b',
      'DELETE /collections/images/documents/c',
      'DELETE /collections/images/documents/gone',
    ]);
  });

  it('clears by deleting every document by filter, counts from the collection, and pings the collection', async () => {
    fake.route((request) => (request.method === 'DELETE' ? { status: 200, json: { num_deleted: 12 } } : { status: 200, json: collectionResponse('images', 42) }));
    await index.clear();
    expect(fake.requests[0]).toMatchObject({ method: 'DELETE', path: '/collections/images/documents', query: { filter_by: 'visibility:[public,unlisted,private]' } });
    expect(await index.count()).toBe(42);
    await index.ping();
    expect(fake.requests.slice(1).map((request) => `${request.method} ${request.path}`)).toEqual(['GET /collections/images', 'GET /collections/images']);
  });
});

describe('Typesense adapter: search', () => {
  const searched = async (query: SearchQuery) => {
    fake.route(() => ({ status: 200, json: emptySearch }));
    await index.search(query);
    return searches()[0]?.query ?? {};
  };

  it('sends the documented search parameters, with visibility and every filter inside filter_by', async () => {
    const query = await searched({
      q: ' sunset harbour ',
      tags: ['new-york', 'Sunset'],
      colors: ['blue', 'green'],
      camera: ['Apple iPhone 12', ' Canon  EOS 5D '],
      orientation: 'landscape',
      owner: 'Alice',
      createdAfter: 1_700_000_000_000,
      createdBefore: 1_800_000_000_000,
      viewerId: 'owner-1',
      page: 3,
      perPage: 50,
    });
    expect(query).toEqual({
      q: 'sunset harbour',
      query_by: 'title,userTags,ownerUsername,machineTags,description',
      query_by_weights: '4,3,2,1,1',
      num_typos: '2',
      min_len_1typo: '4',
      min_len_2typo: '7',
      prefix: 'true',
      typo_tokens_threshold: '1',
      drop_tokens_threshold: '0',
      filter_by:
        '(visibility:=public || ownerId:=`owner-1`) && tags:=`new-york` && tags:=`sunset` && colors:=[`blue`,`green`] && camera:=[`apple iphone 12`,`canon eos 5d`] && orientation:=landscape && ownerUsername:=`alice` && createdAt:>=1700000000000 && createdAt:<=1800000000000',
      facet_by: 'tags,colors,camera,orientation',
      max_facet_values: '20',
      sort_by: '_text_match:desc,createdAt:desc',
      page: '3',
      per_page: '50',
      include_fields: 'id',
    });
  });

  it('leaves stop words and short words out of q, so they never block a match', async () => {
    expect((await searched({ q: 'Cat on the sofa' })).q).toBe('cat sofa');
    expect((await searched({ q: 'a walk in mt Fuji' })).q).toBe('walk fuji');
    expect((await searched({ q: 'the who' })).q).toBe('the who');
  });

  it('lets an anonymous viewer see public documents only, and matches everything with q=*', async () => {
    expect(await searched({})).toMatchObject({ q: '*', filter_by: 'visibility:=public', sort_by: 'createdAt:desc', page: '1', per_page: '24' });
    expect((await searched({ viewerId: null, tags: ['a b'] })).filter_by).toBe('visibility:=public && tags:=`a b`');
    expect((await searched({ tags: ['beach', 'sea'], tagSource: 'owner' })).filter_by).toBe('visibility:=public && userTags:=`beach` && userTags:=`sea`');
    expect((await searched({ tags: ['beach'], tagSource: 'machine' })).filter_by).toBe('visibility:=public && machineTags:=`beach`');
  });

  it('leaves out the ids the database says the viewer may no longer see (filter id:!=[…])', async () => {
    expect((await searched({ excludeIds: ['img-1', 'img-2'] })).filter_by).toBe('visibility:=public && id:!=[`img-1`,`img-2`]');
  });

  it.each([
    [{ q: 'x' }, '_text_match:desc,createdAt:desc'],
    [{ q: 'x', sort: 'newest' }, 'createdAt:desc'],
    [{ q: 'x', sort: 'most_liked' }, 'likeCount:desc,createdAt:desc'],
    [{ sort: 'relevance' }, 'createdAt:desc'],
    [{}, 'createdAt:desc'],
  ] as Array<[SearchQuery, string]>)('sorts %j by %s', async (query, sortBy) => {
    expect((await searched(query)).sort_by).toBe(sortBy);
  });

  it('reads hits, found, page and facet counts from the documented response, ignoring highlights', async () => {
    const response = searchResponse({
      found: 57,
      page: 2,
      ids: [['img-9', 1_108_091_339_008], ['img-4', 1_108_091_338_000]],
      facets: { tags: [['sunset', 30], ['beach', 12], ['alpha', 12]], colors: [['blue', 40]], camera: [['Apple iPhone 12', 9], ['Canon EOS 5D', 21]], orientation: [['landscape', 50], ['portrait', 7]] },
    });
    fake.route(() => ({ status: 200, json: response }));
    expect(await index.search({ q: 'sunset', page: 2, perPage: 2 })).toEqual({
      hits: [
        { id: 'img-9', score: 1_108_091_339_008 },
        { id: 'img-4', score: 1_108_091_338_000 },
      ],
      found: 57,
      page: 2,
      facets: {
        tags: [
          { value: 'sunset', count: 30 },
          { value: 'alpha', count: 12 },
          { value: 'beach', count: 12 },
        ],
        colors: [{ value: 'blue', count: 40 }],
        camera: [
          { value: 'Canon EOS 5D', count: 21 },
          { value: 'Apple iPhone 12', count: 9 },
        ],
        orientation: [
          { value: 'landscape', count: 50 },
          { value: 'portrait', count: 7 },
        ],
      },
    });
  });

  it('suggests from facet_query searches over visible documents, keeping values that start with the prefix', async () => {
    fake.route((request) =>
      request.query.facet_by === 'tags'
        ? { status: 200, json: searchResponse({ found: 90, page: 1, ids: [], facets: { tags: [['sunset', 40], ['sunflower', 3], ['late-sun', 9]] } }) }
        : { status: 200, json: searchResponse({ found: 4, page: 1, ids: [], facets: { ownerUsername: [['sunny_day', 4]] } }) },
    );
    expect(await index.suggest('Sun', 'owner-1', 3)).toEqual([
      { kind: 'tag', value: 'sunset', count: 40 },
      { kind: 'user', value: 'sunny_day', count: 4 },
      { kind: 'tag', value: 'sunflower', count: 3 },
    ]);
    const sent = searches().map((request) => request.query).sort((a, b) => (a.facet_by ?? '').localeCompare(b.facet_by ?? ''));
    expect(sent).toEqual([
      { q: '*', query_by: 'ownerUsername', filter_by: '(visibility:=public || ownerId:=`owner-1`)', facet_by: 'ownerUsername', facet_query: 'ownerUsername:sun', max_facet_values: '23', per_page: '0' },
      { q: '*', query_by: 'tags', filter_by: '(visibility:=public || ownerId:=`owner-1`)', facet_by: 'tags', facet_query: 'tags:sun', max_facet_values: '23', per_page: '0' },
    ]);
  });

  it('refuses a bad query before sending anything', async () => {
    fake.route(() => ({ status: 200, json: emptySearch }));
    await expect(index.search({ perPage: 101 })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'perPage' });
    await expect(index.search({ colors: ['`blue`'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'colors' });
    await expect(index.search({ camera: ['Canon` || visibility:=private'] })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'camera' });
    await expect(index.search({ viewerId: 'x` || visibility:=private' })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'viewerId' });
    expect(fake.requests).toEqual([]);
  });
});

describe('Typesense adapter: failures say what failed and where', () => {
  it('says the collection is missing on a 404, and how it comes to exist', async () => {
    fake.route(() => ({ status: 404, json: { message: 'Not found.' } }));
    const failure = index.search({ q: 'x' });
    await expect(failure).rejects.toMatchObject({ code: 'SEARCH_COLLECTION_MISSING', status: 404, apiCode: 'SERVICE_UNAVAILABLE' });
    await expect(failure).rejects.toThrow(/Typesense at http:\/\/127\.0\.0\.1:\d+ has no collection "images" .*ensureCollection\(\)/);
    await expect(index.ping()).rejects.toMatchObject({ code: 'SEARCH_COLLECTION_MISSING' });
  });

  it('retries a 503 and then says search is unavailable, with the server status', async () => {
    fake.route(() => ({ status: 503, json: { message: 'Not Ready or Lagging' } }));
    const failure = index.search({});
    await expect(failure).rejects.toMatchObject({ code: 'SEARCH_UNAVAILABLE', status: 503 });
    await expect(failure).rejects.toThrow(/^Search index is unavailable: Typesense at .* answered 503 to search .*: Not Ready or Lagging$/);
    expect(searches()).toHaveLength(2);
  });

  it('says a refused API key is a configuration problem', async () => {
    fake.route(() => ({ status: 401, json: { message: 'Forbidden - a valid `x-typesense-api-key` header must be sent.' } }));
    await expect(index.count()).rejects.toThrow(/refused our API key \(401\).*check TYPESENSE_API_KEY/);
  });

  it("passes on Typesense's reason when it refuses a request", async () => {
    fake.route(() => ({ status: 400, json: { message: 'Could not parse the filter query.' } }));
    await expect(index.search({})).rejects.toMatchObject({ code: 'SEARCH_REQUEST_REJECTED', status: 400, message: expect.stringContaining('Could not parse the filter query.') });
  });

  it('says so when an answer is not a search response', async () => {
    fake.route(() => ({ status: 200, text: '<html>proxy page</html>', contentType: 'text/html' }));
    await expect(index.search({})).rejects.toMatchObject({ code: 'SEARCH_REQUEST_REJECTED', message: expect.stringContaining('gave an answer we cannot read') });
  });

  it('fails at once on a closed port, and after its timeout on a server that never answers', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address() as { port: number };
        probe.close(() => resolve(free));
      });
    });
    const closed = createTypesenseSearchIndex({ url: `http://127.0.0.1:${port}`, apiKey, retries: 0 });
    const started = Date.now();
    await expect(closed.ping()).rejects.toThrow(/^Search index is unavailable: Typesense at http:\/\/127\.0\.0\.1:\d+ could not be reached for GET \/collections\/images \(ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(2_000);
    // The client's own error holds the request headers; ours must not carry the key into a log line.
    const logged = inspect(await closed.count().catch((error: unknown) => error), { depth: 20 });
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).not.toContain(apiKey);

    fake.route(() => ({ status: 200, hang: true }));
    const silent = createTypesenseSearchIndex({ url: fake.url, apiKey, retries: 0, timeoutSeconds: 0.5 });
    await expect(silent.search({})).rejects.toMatchObject({ code: 'SEARCH_UNAVAILABLE', message: expect.stringMatching(/could not be reached .*timeout/) });
  });
});
