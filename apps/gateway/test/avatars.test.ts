import { noiseJpeg, solid } from '@glimpse/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestGateway, type TestGateway } from './harness';

/** Avatars: an image through the same upload pipeline, unlisted, shown on the user's page and in their session's user. */
let glimpse: TestGateway;

beforeAll(async () => {
  glimpse = await startTestGateway();
});
afterAll(() => glimpse?.stop());

describe('an avatar', () => {
  it('is one of your own photos, uploaded like any other and kept out of the feeds; your page shows it', async () => {
    const ava = await glimpse.signUp('avauser');
    const bob = await glimpse.signUp('bob');
    const picture = await glimpse.uploadOk(ava, await solid(300, 300, '#aa3355').jpeg().toBuffer(), { title: 'Avatar', visibility: 'unlisted' });
    expect((await glimpse.settle(ava, picture)).status).toBe('ready');

    const updated = await ava.auth.updateProfile.mutate({ avatar: picture, displayName: 'Ava A.' });
    expect(updated.avatarUrl).toBe(`/static/image/${picture}/thumb.webp`);
    expect((await ava.auth.me.query()).avatarUrl).toBe(updated.avatarUrl);
    const served = await glimpse.get(updated.avatarUrl!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/webp');

    const page = await bob.feed.user.query({ username: 'avauser' });
    expect(page.user).toMatchObject({ username: 'avauser', displayName: 'Ava A.', avatarUrl: updated.avatarUrl });
    expect(page.items.map((item) => item.id)).not.toContain(picture);
    expect((await glimpse.anonymous().feed.latest.query({ limit: 50 })).items.map((item) => item.id)).not.toContain(picture);

    // Made private later: others no longer get a broken link.
    await ava.upload.update.mutate({ imageId: picture, visibility: 'private' });
    expect((await bob.feed.user.query({ username: 'avauser' })).user.avatarUrl).toBeNull();
    await ava.upload.update.mutate({ imageId: picture, visibility: 'unlisted' });

    expect((await ava.auth.updateProfile.mutate({ avatar: null })).avatarUrl).toBeNull();
    expect((await bob.feed.user.query({ username: 'avauser' })).user.avatarUrl).toBeNull();
  });

  it('refuses someone else\'s photo, a private one, a failed one and what is not an id, naming the field', async () => {
    const cy = await glimpse.signUp('cyril');
    const di = await glimpse.signUp('dinah');
    const dis = await glimpse.uploadOk(di, await solid(64, 64, '#335577').png().toBuffer(), { visibility: 'unlisted' });
    const privateOne = await glimpse.uploadOk(cy, await solid(64, 64, '#775533').png().toBuffer(), { visibility: 'private' });
    const whole = await noiseJpeg(200, 200);
    const broken = await glimpse.uploadOk(cy, whole.subarray(0, whole.length / 2), { visibility: 'unlisted' });
    expect((await glimpse.settle(cy, broken)).status).toBe('failed');

    expect(await failure(cy.auth.updateProfile.mutate({ avatar: dis }))).toMatchObject({ code: 'BAD_REQUEST', field: 'avatar', message: expect.stringMatching(/one of your own photos/) });
    expect(await failure(cy.auth.updateProfile.mutate({ avatar: privateOne }))).toMatchObject({ code: 'BAD_REQUEST', field: 'avatar', message: expect.stringMatching(/private/) });
    expect(await failure(cy.auth.updateProfile.mutate({ avatar: broken }))).toMatchObject({ code: 'BAD_REQUEST', field: 'avatar', message: expect.stringMatching(/could not be processed/) });
    expect(await failure(cy.auth.updateProfile.mutate({ avatar: 'me.jpg' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'avatar' });
    expect((await cy.auth.me.query()).avatarUrl).toBeNull();
  });
});
