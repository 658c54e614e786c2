import { imagePipeline } from '@glimpse/images';
import { noiseJpeg, until } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type Session, type TestGateway } from './harness';

/**
 * The moderation queue over HTTP. The tagger's verdict is written as the tagger writes it
 * (imagePipeline.saveTagging): the model itself is scored in packages/image-tagging, and
 * tagging is off in these tests for speed.
 */
let glimpse: TestGateway;
let admin: Session;
let owner: Session;
let stranger: Session;

beforeAll(async () => {
  glimpse = await startTestGateway();
  admin = await glimpse.signUp('modadmin');
  owner = await glimpse.signUp('modowner');
  stranger = await glimpse.signUp('modstranger');
});
afterAll(() => glimpse?.stop());

async function sensitivePhoto(title: string) {
  const imageId = await glimpse.uploadOk(owner, await noiseJpeg(240, 160), { title, tags: 'moderated' });
  expect((await glimpse.settle(owner, imageId)).status).toBe('ready');
  await glimpse.gateway.infra.db.transaction((tx) => imagePipeline.saveTagging(tx, imageId, { tags: new Map([['beach', 0.9]]), moderation: 'sensitive', analysis: {} }));
  return imageId;
}

const inLatest = async (session: Pick<Session, 'feed'>, imageId: string) => (await session.feed.latest.query({ limit: 50 })).items.some((item) => item.id === imageId);
const foundBy = async (session: Pick<Session, 'search'>, imageId: string) => (await session.search.images.query({ q: 'moderated' })).hits.some((hit) => hit.id === imageId);

describe('the moderation queue', () => {
  it('lists what the tagger marked sensitive for admins only; approving lets it into the feeds', async () => {
    const imageId = await sensitivePhoto('Dune at noon');
    expect(await inLatest(glimpse.anonymous(), imageId)).toBe(false);

    expect(await failure(owner.admin.moderationQueue.query({}))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(stranger.admin.moderate.mutate({ imageId, decision: 'approve' }))).toMatchObject({ code: 'FORBIDDEN' });

    const queue = await admin.admin.moderationQueue.query({});
    expect(queue.waiting).toBe(1);
    expect(queue.items).toHaveLength(1);
    expect(queue.items[0]).toMatchObject({ id: imageId, title: 'Dune at noon', owner: { username: 'modowner' } });
    // The admin's thumbnail loads (signed), whatever the image's visibility.
    expect((await glimpse.get(queue.items[0]!.thumbUrl)).status).toBe(200);

    expect(await admin.admin.moderate.mutate({ imageId, decision: 'approve' })).toEqual({ imageId, decision: 'approve' });
    // Signed-in readers see it at once; anonymous ones within a second (ANONYMOUS_CACHE_MS).
    expect(await inLatest(stranger, imageId)).toBe(true);
    await until(() => inLatest(glimpse.anonymous(), imageId), (found) => found, 'the approved photo in the anonymous latest feed', 1000);
    expect((await admin.admin.moderationQueue.query({})).waiting).toBe(0);
    // A later re-tagging does not undo the review.
    await glimpse.gateway.infra.db.transaction((tx) => imagePipeline.saveTagging(tx, imageId, { tags: new Map(), moderation: 'sensitive', analysis: {} }));
    expect(await inLatest(glimpse.anonymous(), imageId)).toBe(true);
    expect((await admin.admin.moderationQueue.query({})).waiting).toBe(0);
  });

  it('hiding keeps the image from everyone but its owner: feeds, search, its page and its files', async () => {
    const imageId = await sensitivePhoto('Night swim');
    const thumb = `/static/image/${imageId}/thumb.webp`;
    await until(() => foundBy(glimpse.anonymous(), imageId), (found) => found, 'the photo to be searchable before the review');
    expect((await glimpse.get(thumb)).status).toBe(200);

    await admin.admin.moderate.mutate({ imageId, decision: 'hide' });
    expect((await admin.admin.moderationQueue.query({})).items.map((item) => item.id)).not.toContain(imageId);
    expect(await foundBy(glimpse.anonymous(), imageId)).toBe(false);
    expect(await foundBy(stranger, imageId)).toBe(false);
    expect(await failure(stranger.feed.image.query({ imageId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await glimpse.get(thumb)).status).toBe(404);
    expect((await glimpse.get(thumb, { authorization: `Bearer ${stranger.accessToken}` })).status).toBe(404);
    expect((await stranger.feed.user.query({ username: 'modowner' })).items.map((item) => item.id)).not.toContain(imageId);

    // Its owner still has it.
    expect((await owner.feed.image.query({ imageId })).id).toBe(imageId);
    expect((await owner.feed.user.query({ username: 'modowner' })).items.map((item) => item.id)).toContain(imageId);
    expect((await glimpse.get(thumb, { authorization: `Bearer ${owner.accessToken}` })).status).toBe(200);
    // And the search engine, once the index job ran, finds it for the owner only.
    await until(() => foundBy(owner, imageId), (found) => found, 'the owner to find the hidden photo');
    expect(await foundBy(glimpse.anonymous(), imageId)).toBe(false);

    expect(await failure(admin.admin.moderate.mutate({ imageId: 'not-an-id', decision: 'hide' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'imageId' });
    expect(await failure(admin.admin.moderate.mutate({ imageId, decision: 'delete' as 'hide' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'decision' });
  });
});
