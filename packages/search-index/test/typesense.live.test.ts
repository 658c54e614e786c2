import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from 'typesense';
import { createTypesenseSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract, doc } from './contract';
import { describeSearchQuality } from './quality';

/**
 * The shared contract and quality suites against a live Typesense. Typesense has no build
 * for this machine, so this is the one documented exception to "everything that can run
 * for real does": without TYPESENSE_URL the suites are skipped, and say why.
 */

const url = process.env.TYPESENSE_URL;
const apiKey = process.env.TYPESENSE_API_KEY ?? '';
const title = url
  ? `live Typesense at ${url}`
  : 'live Typesense — SKIPPED: TYPESENSE_URL is not set (Typesense cannot run on this machine; set TYPESENSE_URL and TYPESENSE_API_KEY to run these)';

/** A collection of its own per suite and run, dropped afterwards, so the tests can share a server. */
const created: string[] = [];
const open = async () => {
  const collection = `glimpse_test_${randomUUID().slice(0, 8)}`;
  created.push(collection);
  return createTypesenseSearchIndex({ url: url as string, apiKey, collection });
};

describe.skipIf(!url)(title, () => {
  afterAll(async () => {
    const client = new Client({ nodes: [{ url: url as string }], apiKey, logLevel: 'silent' });
    await Promise.all(created.map((name) => client.collections(name).delete().catch(() => undefined)));
  });

  describeSearchIndexContract('typesense (live)', open);
  describeSearchQuality('typesense (live)', open);
});

/**
 * Semantic search on a live Typesense with its CLIP model, when TYPESENSE_SEMANTIC=clip is
 * set too (Typesense downloads the model, about 600 MB, on the first collection: minutes).
 * Not run here: no Typesense build exists for this machine.
 */
const semantic = Boolean(url) && process.env.TYPESENSE_SEMANTIC === 'clip';
describe.skipIf(!semantic)(`${title}, semantic search with CLIP${semantic ? '' : ' — SKIPPED: set TYPESENSE_SEMANTIC=clip too'}`, () => {
  const collection = `glimpse_test_clip_${randomUUID().slice(0, 8)}`;
  afterAll(async () => {
    const client = new Client({ nodes: [{ url: url as string }], apiKey, logLevel: 'silent' });
    await client.collections(collection).delete().catch(() => undefined);
  });

  it('finds the red picture for "red" and the blue one for "blue", though neither says so', async () => {
    const index = createTypesenseSearchIndex({ url: url as string, apiKey, collection, semantic: 'clip', timeoutSeconds: 600 });
    await index.ensureCollection();
    const picture = async (background: string) => (await sharp({ create: { width: 224, height: 224, channels: 3, background } }).jpeg().toBuffer()).toString('base64');
    await index.upsert([doc('red', { title: 'First', image: await picture('#e01010') }), doc('blue', { title: 'Second', image: await picture('#1030e0') })]);
    expect((await index.search({ q: 'red' })).hits[0]?.id).toBe('red');
    expect((await index.search({ q: 'blue' })).hits[0]?.id).toBe('blue');
  }, 900_000);
});
