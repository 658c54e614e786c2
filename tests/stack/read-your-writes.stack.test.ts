import { apiClients, settle, signUp, uploadFile, type Session } from '@glimpse/api-client';
import { solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from './harness';

/**
 * Read-your-writes and exact visibility in the production shape: every service its own
 * process behind Traefik, likes reaching live Gorse and edits reaching the search index
 * through RabbitMQ. What a user just did shows in their next answer, without waiting for
 * that queue; what became private counts nowhere the instant it changed.
 */
let stack: Stack;
let alice: Session;
let bob: Session;
const idOf: Record<string, string> = {};

beforeAll(async () => {
  stack = await startStack();
  alice = await signUp(stack.url, 'ryw_alice');
  bob = await signUp(stack.url, 'ryw_bob');
  const photos: Record<string, string> = {
    'Beach volleyball': 'beach, sport',
    'Sunset over the harbour': 'sunset, harbour, boats',
    'Sunset at the beach': 'sunset, beach',
    'Boats at dawn': 'boats, dawn',
    'Office chairs': 'office, chair',
    'A cat on a sofa': 'cat, sofa',
  };
  let i = 0;
  for (const [title, tags] of Object.entries(photos)) {
    const result = await uploadFile(stack.url, alice.accessToken, await solid(120, 80, `#${(0x203040 + i++ * 0x151515).toString(16)}`).jpeg().toBuffer(), { title, tags });
    expect(result.status, result.error?.message).toBe(200);
    idOf[title] = result.result!.data.imageId;
  }
  for (const id of Object.values(idOf)) expect((await settle(alice, id, 120_000)).status).toBe('ready');
  // Indexed (both sunsets and both beaches found) before the test acts.
  const deadline = Date.now() + 60_000;
  const found = async (tag: string) => (await apiClients(stack.url).search.images.query({ tags: [tag], limit: 50 }).catch(() => ({ found: 0 }))).found;
  while (((await found('sunset')) < 2 || (await found('beach')) < 2) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
});
afterAll(async () => {
  await stack?.stop();
});

describe('read your own writes, with Gorse and the search index fed through the queue', () => {
  it("shows a like in the liker's next forYou at once: images sharing its tags first, the liked ones never", async () => {
    await bob.feed.like.mutate({ imageId: idOf['Beach volleyball']! });
    await bob.feed.like.mutate({ imageId: idOf['Sunset over the harbour']! });
    const titles = (await bob.feed.forYou.query({ limit: 24 })).items.map((item) => item.title);
    expect(titles[0]).toBe('Sunset at the beach');
    expect(titles).not.toContain('Beach volleyball');
    expect(titles).not.toContain('Sunset over the harbour');
    expect(titles).not.toContain(undefined);
    // Alice never gets her own images recommended.
    expect((await alice.feed.forYou.query({ limit: 24 })).items.map((item) => item.id)).not.toEqual(expect.arrayContaining([idOf['Office chairs']]));
  });

  it('leaves an image made private out of search hits, found and facets the instant it changes, and out of forYou', async () => {
    const anonymous = apiClients(stack.url);
    const before = await anonymous.search.images.query({ tags: ['sunset'], limit: 50 });
    expect(before.hits.map((hit) => hit.id)).toContain(idOf['Sunset at the beach']);
    const count = (result: typeof before, tag: string) => result.facets.tags.find((facet) => facet.value === tag)?.count ?? 0;

    await alice.upload.update.mutate({ imageId: idOf['Sunset at the beach']!, visibility: 'private' });
    // No waiting: the very next answers, for someone else and for nobody.
    for (const viewer of [anonymous, bob]) {
      const after = await viewer.search.images.query({ tags: ['sunset'], limit: 50 });
      expect(after.hits.map((hit) => hit.id)).not.toContain(idOf['Sunset at the beach']);
      expect(after.found).toBe(before.found - 1);
      expect(count(after, 'beach')).toBe(count(before, 'beach') - 1);
    }
    expect((await bob.feed.forYou.query({ limit: 24 })).items.map((item) => item.id)).not.toContain(idOf['Sunset at the beach']);
    // The owner still finds it.
    expect((await alice.search.images.query({ tags: ['sunset'], limit: 50 })).hits.map((hit) => hit.id)).toContain(idOf['Sunset at the beach']);

    // Back to public: everyone finds it again within a second (through the queue and the indexer).
    await alice.upload.update.mutate({ imageId: idOf['Sunset at the beach']!, visibility: 'public' });
    const started = Date.now();
    while (!(await anonymous.search.images.query({ tags: ['sunset'], limit: 50 })).hits.some((hit) => hit.id === idOf['Sunset at the beach'])) {
      expect(Date.now() - started, 'seconds for a change to reach everyone').toBeLessThan(5_000);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    console.log(`figures: a visibility change reached anonymous search after ${Date.now() - started} ms`);
  });
});
