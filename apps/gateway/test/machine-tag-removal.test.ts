import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { retagAll } from '@glimpse/image-jobs';
import { until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

let glimpse: TestGateway;
let alice: Session;
let bob: Session;

beforeAll(async () => {
  glimpse = await startTestGateway({ TAGGER_ENABLED: 'true' });
  [alice, bob] = await Promise.all([glimpse.signUp('alice'), glimpse.signUp('bob')]);
});
afterAll(() => glimpse.stop());

const machineTagsOf = async (imageId: string) => (await alice.upload.status.query({ imageId })).tags.filter((t) => t.source === 'machine').map((t) => t.tag);

describe('removing a wrong machine tag', () => {
  it('takes it off the image and out of search, for the owner only, and a re-tagging never brings it back', async () => {
    // A real photo of a cat (scikit-image's "chelsea"), so the model has something to say.
    const photo = readFileSync(fileURLToPath(new URL('../../../packages/image-tagging/test/fixtures/photos/skimage-chelsea.jpg', import.meta.url)));
    const id = await glimpse.uploadOk(alice, photo, { title: 'Afternoon nap', tags: 'home' });
    await glimpse.settle(alice, id);
    const tagged = await until(() => alice.upload.status.query({ imageId: id }), (s) => s.taggingStatus !== 'pending', 'the tagger', 90_000);
    const machine = tagged.tags.filter((t) => t.source === 'machine');
    expect(machine.length, 'machine tags on a cat photo').toBeGreaterThan(0);
    const wrong = machine[0]!.tag;
    // Search by the machine tag finds the image first (the indexer runs after the tagger).
    await until(() => glimpse.anonymous().search.images.query({ tags: [wrong] }), (r) => r.hits.some((h) => h.id === id), 'the machine tag in the index', 30_000);
    // A tag filter says whose tags it means: the machine's finds it, the owner's does not (unless she tagged it so too).
    expect((await glimpse.anonymous().search.images.query({ tags: [wrong], tagSource: 'machine' })).hits.map((h) => h.id)).toContain(id);
    if (wrong !== 'home') expect((await glimpse.anonymous().search.images.query({ tags: [wrong], tagSource: 'owner' })).hits.map((h) => h.id)).not.toContain(id);
    expect((await glimpse.anonymous().search.images.query({ tags: ['home'], tagSource: 'owner' })).hits.map((h) => h.id)).toContain(id);
    expect(await failure(glimpse.anonymous().search.images.query({ tags: ['home'], tagSource: 'robot' as never }))).toMatchObject({ code: 'BAD_REQUEST', field: 'tagSource' });

    expect(await failure(bob.upload.removeMachineTag.mutate({ imageId: id, tag: wrong }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(alice.upload.removeMachineTag.mutate({ imageId: id, tag: 'no-such-label' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'tag' });
    // The owner's own tag is not a machine tag: it is changed with `update`, not removed here.
    expect(await failure(alice.upload.removeMachineTag.mutate({ imageId: id, tag: 'home' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'tag' });

    const after = await alice.upload.removeMachineTag.mutate({ imageId: id, tag: wrong });
    expect(after.tags.map((t) => t.tag)).not.toContain(wrong);
    expect(after.tags).toContainEqual(expect.objectContaining({ tag: 'home', source: 'user' }));
    await until(() => glimpse.anonymous().search.images.query({ tags: [wrong] }), (r) => !r.hits.some((h) => h.id === id), 'the removed tag to leave the index', 30_000);

    // Re-tag the image as `glimpse retag` does; the model labels it the same way again.
    expect(await retagAll(glimpse.gateway.infra.db)).toBeGreaterThan(0);
    await until(() => alice.upload.status.query({ imageId: id }), (s) => s.taggingStatus === 'tagged', 'the re-tagging', 90_000);
    const events = await glimpse.gateway.infra.db.query<{ kind: string }>(`SELECT kind FROM image_events WHERE image_id = $1 AND kind = 'tagged'`, [id]);
    expect(events.length, 'tagged twice').toBe(2);
    const retagged = await machineTagsOf(id);
    expect(retagged).not.toContain(wrong);
    expect(retagged.length, 'the other machine tags came back').toBe(machine.length - 1);
    // The re-tagging re-indexed the image; the removed tag still finds nothing, the others still find it.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect((await glimpse.anonymous().search.images.query({ tags: [wrong] })).hits.map((h) => h.id)).not.toContain(id);
    expect((await glimpse.anonymous().search.images.query({ tags: ['home'] })).hits.map((h) => h.id)).toContain(id);
  });
});
