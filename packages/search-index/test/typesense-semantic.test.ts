import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTypesenseSearchIndex, type SearchIndex } from '@glimpse/search-index';
import { doc } from './contract';
import { createFakeEngine, type FakeEngine } from './fake-typesense-engine';
import { startFakeTypesense, type FakeTypesense, type RecordedRequest } from './fake-typesense';

/**
 * Semantic search (TYPESENSE_SEMANTIC=clip) against the fake server, with a fake engine that
 * checks the schema, the embed config, the image on each upsert and the hybrid parameters as
 * Typesense's docs describe them ("Image Search", "Vector Search" › "Hybrid Search"). No
 * Typesense runs here, so CLIP is a stand-in: the test says what each image shows.
 */

let fake: FakeTypesense;
beforeAll(async () => {
  fake = await startFakeTypesense();
});
afterAll(() => fake.close());

const jpeg = async (r: number, g: number, b: number) =>
  (await sharp({ create: { width: 16, height: 12, channels: 3, background: { r, g, b } } }).jpeg().toBuffer()).toString('base64');

const searches = () => fake.requests.filter((request: RecordedRequest) => request.method === 'GET' && request.path === '/collections/images/documents/search');

async function semanticIndex(): Promise<{ index: SearchIndex; engine: FakeEngine; images: Record<string, string> }> {
  const engine = createFakeEngine();
  fake.route(engine.route);
  const index = createTypesenseSearchIndex({ url: fake.url, apiKey: 'key', retries: 0, semantic: 'clip' });
  const images = { dog: await jpeg(180, 120, 60), beach: await jpeg(230, 210, 150), city: await jpeg(60, 60, 70) };
  engine.shows.set(images.dog, ['dog', 'animal', 'pet']);
  engine.shows.set(images.beach, ['beach', 'sea', 'sand']);
  engine.shows.set(images.city, ['city', 'street', 'night']);
  return { index, engine, images };
}

describe('Typesense semantic search (CLIP), on', () => {
  it('creates the collection with the image and CLIP embedding fields of the "Image Search" page', async () => {
    const { index } = await semanticIndex();
    await index.ensureCollection();
    expect(index.embedsImages).toBe(true);
    const schema = JSON.parse(fake.requests.find((request) => request.method === 'POST')!.body);
    expect(schema.fields.slice(-2)).toEqual([
      { name: 'image', type: 'image', store: false },
      { name: 'embedding', type: 'float[]', embed: { from: ['image'], model_config: { model_name: 'ts/clip-vit-b-p32' } } },
    ]);
    // The engine took it (it refuses a bad embed config, see below): the collection now exists.
    await expect(index.count()).resolves.toBe(0);
  });

  it('upserts each document with its JPEG as base64 in `image`, which Typesense does not store', async () => {
    const { index, engine, images } = await semanticIndex();
    await index.ensureCollection();
    await index.upsert([doc('img-dog', { title: 'Rex', image: images.dog }), doc('img-beach', { title: 'Holiday', image: images.beach })]);
    const body = fake.requests.filter((request) => request.path === '/collections/images/documents/import').map((request) => request.body).join('\n');
    const sent = body.split('\n').map((line) => JSON.parse(line));
    expect(sent.map((line) => [line.id, line.image === images.dog || line.image === images.beach])).toEqual([
      ['img-dog', true],
      ['img-beach', true],
    ]);
    expect(Buffer.from(sent[0].image, 'base64').subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(engine.documents().map((document) => [document.id, 'image' in document])).toEqual([
      ['img-dog', false],
      ['img-beach', false],
    ]);
  });

  it('refuses a document without an image before sending anything, naming the field', async () => {
    const { index } = await semanticIndex();
    await index.ensureCollection();
    fake.requests.length = 0;
    await expect(index.upsert([doc('img-1')])).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'documents[0].image' });
    expect(fake.requests).toEqual([]);
  });

  it('searches free text with hybrid search: keyword fields plus the embedding, the documented alpha and k', async () => {
    const { index, images } = await semanticIndex();
    await index.ensureCollection();
    await index.upsert([doc('img-dog', { title: 'Rex', image: images.dog })]);
    fake.requests.length = 0;
    await index.search({ q: 'a dog on the beach', viewerId: 'owner-1', tags: ['summer'] });
    expect(searches()[0]?.query).toMatchObject({
      q: 'dog beach',
      query_by: 'title,userTags,ownerUsername,machineTags,description,embedding',
      query_by_weights: '4,3,2,1,1,0',
      vector_query: 'embedding:([], alpha: 0.3, k: 100)',
      exclude_fields: 'embedding',
      drop_tokens_threshold: '0',
      filter_by: '(visibility:=public || ownerId:=`owner-1`) && tags:=`summer`',
      sort_by: '_text_match:desc,createdAt:desc',
    });
    // Without words there is nothing to embed: browsing stays a plain filtered listing. Sorted by date
    // or likes, the matches stay keyword matches (the nearest images have no cut-off to keep them relevant).
    for (const query of [{ tags: ['summer'] }, { q: 'dog', sort: 'newest' as const }, { q: 'dog', sort: 'most_liked' as const }]) {
      fake.requests.length = 0;
      await index.search(query);
      expect(searches()[0]?.query).not.toHaveProperty('vector_query');
      expect(searches()[0]?.query.query_by).toBe('title,userTags,ownerUsername,machineTags,description');
    }
  });

  it('finds an image by what it shows when no word of the query is in its title, tags or description', async () => {
    const { index, images } = await semanticIndex();
    await index.ensureCollection();
    await index.upsert([
      doc('img-dog', { title: 'Rex in the garden', image: images.dog, createdAt: 3 }),
      doc('img-beach', { title: 'Holiday', tags: ['puppy'], image: images.beach, createdAt: 2 }),
      doc('img-city', { title: 'Downtown', image: images.city, createdAt: 1 }),
      doc('img-private-dog', { title: 'Secret', visibility: 'private', ownerId: 'owner-bruno', image: images.dog, createdAt: 4 }),
    ]);
    const found = await index.search({ q: 'dog' });
    // No document has the word "dog"; the vector side brings the dog photo first, the private one never.
    expect(found.hits[0]?.id).toBe('img-dog');
    expect(found.hits.map((hit) => hit.id)).not.toContain('img-private-dog');
    expect(found.hits[0]!.score).toBeGreaterThan(found.hits[1]!.score);
    // A keyword match leads a vector-only match (alpha 0.3): "puppy" is a tag of the beach photo.
    const puppy = await index.search({ q: 'puppy' });
    expect(puppy.hits.map((hit) => hit.id).slice(0, 1)).toEqual(['img-beach']);
    // Filters and facets hold on the vector side too.
    const portraits = await index.search({ q: 'dog', orientation: 'portrait' });
    expect(portraits).toMatchObject({ hits: [], found: 0 });
    expect((await index.search({ q: 'dog', excludeIds: ['img-dog'] })).hits.map((hit) => hit.id)).not.toContain('img-dog');
    expect(found.facets.orientation).toEqual([{ value: 'landscape', count: found.found }]);
    // The owner sees their own private dog too.
    expect((await index.search({ q: 'dog', viewerId: 'owner-bruno' })).hits.map((hit) => hit.id)).toContain('img-private-dog');
  });

  it('refuses to start on a collection made without the embedding field, saying how to rebuild it', async () => {
    const engine = createFakeEngine();
    fake.route(engine.route);
    await createTypesenseSearchIndex({ url: fake.url, apiKey: 'key', retries: 0 }).ensureCollection();
    const semantic = createTypesenseSearchIndex({ url: fake.url, apiKey: 'key', retries: 0, semantic: 'clip' });
    await expect(semantic.ensureCollection()).rejects.toThrow(/without the CLIP embedding field, but TYPESENSE_SEMANTIC is clip: delete the collection .* and run reindex/);
  });
});

describe('the fake engine holds requests to what Typesense documents', () => {
  const post = (body: unknown) => engineReply({ method: 'POST', path: '/collections', query: {}, headers: {}, body: JSON.stringify(body) });
  let engineReply: (request: RecordedRequest) => ReturnType<FakeEngine['route']>;
  beforeAll(() => {
    engineReply = createFakeEngine().route;
  });

  it('refuses an embed config Typesense would refuse', () => {
    const image = { name: 'image', type: 'image', store: false };
    const embedding = (embed: unknown, type = 'float[]') => ({ name: 'images', fields: [image, { name: 'embedding', type, embed }] });
    expect(post(embedding({ from: ['image'], model_config: { model_name: 'ts/clip-vit-b-p32' } }, 'string'))).toMatchObject({ status: 400 });
    expect(post(embedding({ from: ['picture'], model_config: { model_name: 'ts/clip-vit-b-p32' } }))).toMatchObject({ status: 400 });
    expect(post(embedding({ from: ['image'], model_config: { model_name: 'ts/e5-small' } }))).toMatchObject({ status: 400, json: { message: expect.stringContaining('Only CLIP models') } });
    expect(post(embedding({ from: ['image'], model_config: { model_name: 'openai/clip' } }))).toMatchObject({ status: 400 });
    expect(post(embedding({ from: ['image'] }))).toMatchObject({ status: 400 });
  });

  it('refuses an upsert without the image, and hybrid parameters out of shape', async () => {
    const { index } = await semanticIndex();
    await index.ensureCollection();
    const route = (request: Partial<RecordedRequest>) => fetch(`${fake.url}${request.path}?${new URLSearchParams(request.query)}`, { method: request.method, body: request.body, headers: { 'x-typesense-api-key': 'key' } });
    const imported = await (await route({ method: 'POST', path: '/collections/images/documents/import', query: { action: 'upsert' }, body: JSON.stringify(doc('x')) })).text();
    expect(JSON.parse(imported)).toMatchObject({ success: false, error: 'Field `image` has been declared in the schema, but is not found in the document.' });
    const search = async (query: Record<string, string>) => (await route({ method: 'GET', path: '/collections/images/documents/search', query })).status;
    expect(await search({ q: 'dog', query_by: 'title,embedding', query_by_weights: '4' })).toBe(400);
    expect(await search({ q: 'dog', query_by: 'title', vector_query: 'embedding:([], alpha: 0.3)' })).toBe(400);
    expect(await search({ q: 'dog', query_by: 'title,embedding', vector_query: 'embedding:([], alpha: 1.3)' })).toBe(400);
    expect(await search({ q: 'dog', query_by: 'title,embedding', query_by_weights: '4,0', vector_query: 'embedding:([], alpha: 0.3, k: 100)' })).toBe(200);
  });
});

describe('Typesense semantic search, off (the default)', () => {
  it('sends no image field, no embedding, no vector query, and finds nothing without a keyword match', async () => {
    const engine = createFakeEngine();
    fake.route(engine.route);
    const index = createTypesenseSearchIndex({ url: fake.url, apiKey: 'key', retries: 0 });
    expect(index.embedsImages).toBe(false);
    await index.ensureCollection();
    const schema = JSON.parse(fake.requests.find((request) => request.method === 'POST')!.body);
    expect(schema.fields.map((field: { name: string }) => field.name)).not.toContain('embedding');
    expect(schema.fields.map((field: { type: string }) => field.type)).not.toContain('image');
    // An image handed in anyway is not sent.
    await index.upsert([doc('img-dog', { title: 'Rex', image: await jpeg(180, 120, 60) })]);
    expect(fake.requests.find((request) => request.path.endsWith('/import'))!.body).not.toContain('"image"');
    const found = await index.search({ q: 'dog' });
    expect(searches().at(-1)?.query).not.toHaveProperty('vector_query');
    expect(searches().at(-1)?.query.query_by).toBe('title,userTags,ownerUsername,machineTags,description');
    expect(found).toMatchObject({ hits: [], found: 0 });
    expect((await index.search({ q: 'rex' })).hits.map((hit) => hit.id)).toEqual(['img-dog']);
  });
});
