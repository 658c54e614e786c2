import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { apiClients } from '@glimpse/api-client';
import { ConfigError, loadConfig } from '@glimpse/config';
import { QUEUES } from '@glimpse/job-queue';
import { silentLogger } from '@glimpse/logging';
import { enqueueJob } from '@glimpse/outbox';
import { indexerWorker, searchService, startService } from '@glimpse/platform';
import { freePort } from '@glimpse/test-fixtures';

/**
 * The search service and the indexer as separate processes would run them (each its own
 * `startService`), as a split deployment without a search server: SEARCH_ENGINE=database.
 */

const directories: string[] = [];
afterAll(() => directories.forEach((directory) => rmSync(directory, { recursive: true, force: true })));
const dataDir = () => {
  const directory = mkdtempSync(join(tmpdir(), 'glimpse-search-wiring-'));
  directories.push(directory);
  return directory;
};
const authKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const configFor = (env: Record<string, string>) => loadConfig({}, { PORT: '0', LOG_LEVEL: 'silent', TAGGER_ENABLED: 'false', AUTH_PRIVATE_KEY: authKey, ...env });

const readiness = async (url: string) => {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as { checks: Record<string, string> } };
};

describe('search in the database, split into services', () => {
  const shared = dataDir();
  const imageId = randomUUID();

  it('runs the indexer on its own, ready, and it fills the search tables from the jobs it takes', async () => {
    const indexer = await startService('indexer', configFor({ GLIMPSE_DATA_DIR: shared, SEARCH_ENGINE: 'database' }), silentLogger, indexerWorker);
    try {
      expect((await indexer.infra.searchIndex()).kind).toBe('database');
      expect(await readiness(indexer.url)).toMatchObject({ status: 200, body: { checks: { searchIndex: 'ok', database: 'ok' } } });
      // An image the upload and processing services would have made ready, and its index job, as their transactions write them.
      await indexer.infra.db.transaction(async (tx) => {
        const [owner] = await tx.query<{ id: string }>(`INSERT INTO users (email, username, password_hash) VALUES ('zoe@example.com', 'zoe', 'x') RETURNING id`);
        await tx.query(
          `INSERT INTO images (id, owner_id, title, visibility, status, original_key, original_mime, original_bytes, width, height)
           VALUES ($1, $2, 'Zebra crossing at dusk', 'public', 'ready', 'k', 'image/png', 1, 1600, 900)`,
          [imageId, owner!.id],
        );
        await enqueueJob(tx, QUEUES.indexImages, { imageId });
      });
      const index = await indexer.infra.searchIndex();
      await vi.waitFor(async () => expect((await index.search({ q: 'zebra' })).hits.map((hit) => hit.id)).toEqual([imageId]), { timeout: 20_000, interval: 100 });
    } finally {
      await indexer.close();
    }
  });

  it('runs the search service on its own, and it finds what the indexer wrote into the shared database', async () => {
    const search = await startService('search', configFor({ GLIMPSE_DATA_DIR: shared, SEARCH_ENGINE: 'database' }), silentLogger, searchService);
    try {
      expect((await search.infra.searchIndex()).kind).toBe('database');
      expect((await readiness(search.url)).status).toBe(200);
      const found = await apiClients(search.url).search.images.query({ q: 'zebra crosing' });
      expect(found.found).toBe(1);
      expect(found.hits.map((hit) => hit.id)).toEqual([imageId]);
      expect(await apiClients(search.url).search.suggest.query({ prefix: 'zo' })).toMatchObject({ users: [{ username: 'zoe', count: 1 }] });
    } finally {
      await search.close();
    }
  });

  it('refuses to run the indexer on its own with the embedded index, which only the search process could see', async () => {
    const starting = startService('indexer', configFor({ GLIMPSE_DATA_DIR: dataDir() }), silentLogger, indexerWorker);
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    await expect(starting).rejects.toThrow(/SEARCH_ENGINE: a separate indexer needs a search index other processes share: "database"/);
  });
});

describe('a search service whose Typesense is not reachable yet', () => {
  let fake: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (fake ? fake.close(() => resolve()) : resolve())));

  it('stays up, reports not ready while it retries, and becomes ready once Typesense answers', async () => {
    const [port, typesensePort] = await Promise.all([freePort(), freePort()]);
    const typesenseUrl = `http://127.0.0.1:${typesensePort}`;
    const config = configFor({ GLIMPSE_DATA_DIR: dataDir(), PORT: String(port), TYPESENSE_URL: typesenseUrl, TYPESENSE_API_KEY: 'test-key' });
    let failed: unknown;
    const starting = startService('search', config, silentLogger, searchService);
    starting.catch((error: unknown) => (failed = error));
    const url = `http://127.0.0.1:${port}`;

    await vi.waitFor(async () => {
      const { status, body } = await readiness(url);
      expect(status).toBe(503);
      expect(JSON.stringify(body.checks)).toContain(typesenseUrl);
    }, { timeout: 30_000, interval: 200 });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(failed).toBeUndefined();

    // Typesense comes up, with the collection (a stand-in answering the one request a start needs).
    fake = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/collections/images')) return res.end(JSON.stringify({ name: 'images', num_documents: 0, fields: [{ name: 'camera', type: 'string', facet: true, optional: true }] }));
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'Not Found' }));
    });
    await new Promise<void>((resolve) => fake!.listen(typesensePort, '127.0.0.1', resolve));
    const search = await starting;
    try {
      expect((await search.infra.searchIndex()).kind).toBe('typesense');
      await vi.waitFor(async () => expect(await readiness(url)).toMatchObject({ status: 200, body: { checks: { searchIndex: 'ok' } } }), { timeout: 10_000, interval: 200 });
    } finally {
      await search.close();
    }
  });
});

describe('semantic search wiring (TYPESENSE_SEMANTIC=clip)', () => {
  let stale: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (stale ? stale.close(() => resolve()) : resolve())));

  it('does not use a collection made without the CLIP embedding: not ready, and /readyz says how to rebuild it', async () => {
    const [port, typesensePort] = await Promise.all([freePort(), freePort()]);
    // A Typesense holding the keyword-only collection of before the switch.
    stale = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET' && req.url?.startsWith('/collections/images')) return res.end(JSON.stringify({ name: 'images', num_documents: 3, fields: [{ name: 'title', type: 'string' }] }));
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'Not Found' }));
    });
    await new Promise<void>((resolve) => stale!.listen(typesensePort, '127.0.0.1', resolve));
    const config = configFor({ GLIMPSE_DATA_DIR: dataDir(), PORT: String(port), TYPESENSE_URL: `http://127.0.0.1:${typesensePort}`, TYPESENSE_API_KEY: 'test-key', TYPESENSE_SEMANTIC: 'clip' });
    const starting = startService('search', config, silentLogger, searchService);
    starting.catch(() => undefined);
    const url = `http://127.0.0.1:${port}`;
    await vi.waitFor(async () => {
      const { status, body } = await readiness(url);
      expect(status).toBe(503);
      expect(JSON.stringify(body.checks)).toMatch(/without the CLIP embedding field, but TYPESENSE_SEMANTIC is clip: delete the collection \(DELETE \/collections\/images\) and run reindex/);
    }, { timeout: 30_000, interval: 200 });
    // The start keeps waiting, so a rebuilt collection is picked up without a restart (the test worker's exit ends it).
    stale.closeAllConnections();
  });
});
