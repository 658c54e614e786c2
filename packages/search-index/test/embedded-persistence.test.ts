import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedSearchIndex, openSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract, doc } from './contract';

let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'glimpse-search-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
let files = 0;
const freshPath = () => join(directory, `index-${(files += 1)}`, 'index.jsonl');

describeSearchIndexContract('embedded (inverted index, journal on disk)', () => createEmbeddedSearchIndex({ snapshotPath: freshPath() }));

describe('embedded search index across restarts', () => {
  const reopen = (snapshotPath: string) => createEmbeddedSearchIndex({ snapshotPath });

  it('keeps every acknowledged write: upserts, replacements, removals and a clear', async () => {
    const path = freshPath();
    const first = await reopen(path);
    await first.upsert([doc('a', { title: 'Harbour lights', tags: ['night'] }), doc('b', { tags: ['night'], visibility: 'private' }), doc('c')]);
    await first.upsert([doc('c', { title: 'Renamed lighthouse', camera: 'FUJIFILM X-T4' })]);
    await first.remove(['a', 'missing']);
    // A document journaled before cameras were indexed: replayed with none.
    const { camera: _none, ...older } = doc('d', { title: 'Older entry' });
    await appendFile(path, `${JSON.stringify({ op: 'upsert', documents: [older] })}\n`);

    const second = await reopen(path);
    expect(await second.count()).toBe(3);
    expect((await second.search({ camera: ['fujifilm x-t4'] })).hits.map((hit) => hit.id)).toEqual(['c']);
    expect((await second.search({})).facets.camera).toEqual([{ value: 'FUJIFILM X-T4', count: 1 }]);
    expect((await second.search({ q: 'older' })).hits.map((hit) => hit.id)).toEqual(['d']);
    expect((await second.search({ q: 'lighthouse' })).hits.map((hit) => hit.id)).toEqual(['c']);
    expect((await second.search({ q: 'harbour' })).found).toBe(0);
    expect(await second.suggest('nig', 'owner-alice')).toEqual([{ kind: 'tag', value: 'night', count: 1 }]);
    expect(await second.suggest('nig')).toEqual([]);

    await second.clear();
    expect(await (await reopen(path)).count()).toBe(0);
  });

  it('drops a write torn by a crash (a partial last line) and goes on appending after it', async () => {
    const path = freshPath();
    const index = await reopen(path);
    await index.upsert([doc('kept')]);
    await appendFile(path, '{"op":"upsert","documents":[{"id":"torn"');

    const recovered = await reopen(path);
    expect(await recovered.count()).toBe(1);
    await recovered.upsert([doc('after')]);
    const again = await reopen(path);
    expect((await again.search({})).hits.map((hit) => hit.id).sort()).toEqual(['after', 'kept']);
  });

  it('refuses a journal damaged in the middle, saying to delete it and reindex', async () => {
    const path = freshPath();
    const index = await reopen(path);
    await index.upsert([doc('one')]);
    await index.upsert([doc('two')]);
    const lines = (await readFile(path, 'utf8')).split('\n');
    lines[1] = '{not json';
    await writeFile(path, lines.join('\n'));
    await expect(reopen(path)).rejects.toThrow(/damaged at line 2; delete it and run reindex/);
  });

  it('refuses a file that is not its journal', async () => {
    const path = freshPath();
    await reopen(path);
    await writeFile(path, '{"something":"else"}\n');
    await expect(reopen(path)).rejects.toThrow(/is not a search index journal/);
  });

  it('compacts the journal as writes pile up, so it stays near the size of the index', async () => {
    const path = freshPath();
    const index = await reopen(path);
    for (let round = 0; round < 1_200; round += 1) await index.upsert([doc(`d${round % 10}`, { likeCount: round })]);
    const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean).length;
    expect(lines).toBeLessThan(1_100);
    const reopened = await reopen(path);
    expect(await reopened.count()).toBe(10);
    expect((await reopened.search({ sort: 'most_liked', perPage: 1 })).hits[0]?.id).toBe('d9');
  }, 60_000);

  it('opens the embedded index under the data directory, or Typesense when its URL is set', async () => {
    const dataDir = join(directory, 'data');
    const embedded = await openSearchIndex({ dataDir });
    expect(embedded.kind).toBe('embedded');
    await embedded.upsert([doc('x')]);
    expect((await stat(join(dataDir, 'search', 'index.jsonl'))).isFile()).toBe(true);
    expect(await (await openSearchIndex({ dataDir })).count()).toBe(1);
    expect((await openSearchIndex({})).kind).toBe('embedded');
    expect((await openSearchIndex({ typesenseUrl: 'http://127.0.0.1:1', typesenseApiKey: 'key' })).kind).toBe('typesense');
    await expect(openSearchIndex({ typesenseUrl: 'http://127.0.0.1:1' })).rejects.toThrow(/TYPESENSE_API_KEY is required/);
  });
});
