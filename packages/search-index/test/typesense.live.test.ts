import { randomUUID } from 'node:crypto';
import { afterAll, describe } from 'vitest';
import { Client } from 'typesense';
import { createTypesenseSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract } from './contract';
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
