import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createGorseRecommender, OWN_FEEDBACK_TYPE, RecommenderUnavailableError } from '@glimpse/recommender';
import { describeRecommenderContract } from './contract';

const url = process.env.GORSE_URL;
const apiKey = process.env.GORSE_API_KEY;
if (!url) {
  throw new Error(
    'GORSE_URL must be set: the stack tier runs against a live gorse-in-one started with packages/recommender/gorse/config.toml (source packages/recommender/gorse/gorse.sh, then gorse_start)',
  );
}
const headers: Record<string, string> = apiKey ? { 'X-API-Key': apiKey } : {};
const api = (path: string) => new URL(`api/${path}`, url.endsWith('/') ? url : `${url}/`);

/**
 * Gorse's master refreshes its models in a loop (every 2 s with gorse/config.toml) and stamps
 * each leaderboard with the time its refresh began (the Last-Modified of the leaderboard, in
 * whole seconds). A refresh that began after this call has seen everything written before it;
 * the one after it begins only once that refresh, item neighbours included, has finished.
 */
async function settle(): Promise<void> {
  const first = await refreshStartedAtOrAfter(Math.ceil(Date.now() / 1000) * 1000);
  await refreshStartedAtOrAfter(first + 1000);
}

async function refreshStartedAtOrAfter(notBefore: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(api('non-personalized/popular?n=1'), { headers });
    await response.body?.cancel();
    const started = Date.parse(response.headers.get('last-modified') ?? '');
    if (started >= notBefore) return started;
    if (Date.now() > deadline) {
      throw new Error(
        `Gorse at ${url} did not refresh its models within 30 s: is it running with packages/recommender/gorse/config.toml (a leaderboard named "popular", 2 s fit periods)? ` +
          'If its log says "panic recovered", its refresh loop has died (a Gorse v0.5.4 failure): restart it.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeRecommenderContract('Gorse (live gorse-in-one)', async () => createGorseRecommender({ url, apiKey }), { settle });

describe('Gorse adapter against the live server', () => {
  const recommender = createGorseRecommender({ url, apiKey });

  it('sends items, ownership and feedback in shapes Gorse stores as meant', async () => {
    const run = randomUUID().slice(0, 8);
    const [itemId, owner, fan] = [`${run} shape?item#%+`, `${run}-owner`, `${run}-fan`];
    const timestamp = new Date(Date.now() - 3_600_000);
    await recommender.upsertItems([{ id: itemId, labels: ['cat', 'cat', 'sofa'], timestamp, hidden: true, ownerId: owner }]);
    await recommender.insertFeedback([{ type: 'like', userId: fan, itemId, timestamp }]);
    await recommender.insertFeedback([{ type: 'like', userId: fan, itemId, timestamp }]);

    const stored = (await (await fetch(api(`item/${encodeURIComponent(itemId)}`), { headers })).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ ItemId: itemId, IsHidden: true, Labels: ['cat', 'sofa'] });
    expect(Date.parse(stored.Timestamp as string)).toBe(timestamp.getTime());
    const feedbackOf = async (userId: string, type: string) =>
      (await (await fetch(api(`user/${encodeURIComponent(userId)}/feedback/${type}`), { headers })).json()) as { ItemId: string }[];
    expect((await feedbackOf(owner, OWN_FEEDBACK_TYPE)).map((entry) => entry.ItemId)).toEqual([itemId]);
    expect((await feedbackOf(fan, 'like')).map((entry) => entry.ItemId)).toEqual([itemId]);

    await recommender.deleteFeedback('like', fan, itemId);
    expect(await feedbackOf(fan, 'like')).toEqual([]);
    await recommender.removeItem(itemId);
    expect((await fetch(api(`item/${encodeURIComponent(itemId)}`), { headers })).status).toBe(404);
  });

  it('keeps declared interests unless new ones are given', async () => {
    const userId = `${randomUUID().slice(0, 8)}-user`;
    const labelsOf = async () => ((await (await fetch(api(`user/${userId}`), { headers })).json()) as { Labels: unknown }).Labels;
    await recommender.upsertUser(userId, ['mountain']);
    await recommender.upsertUser(userId);
    expect(await labelsOf()).toEqual(['mountain']);
    await recommender.upsertUser(userId, []);
    expect(await labelsOf()).toEqual([]);
  });

  it.runIf(apiKey)('is unavailable, saying so, when the API key is wrong', async () => {
    const wrong = createGorseRecommender({ url, apiKey: `${apiKey}-wrong` });
    const error = await wrong.ping().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RecommenderUnavailableError);
    expect((error as Error).message).toMatch(/Recommender \(Gorse\) is unavailable at .*refused the API key/);
    await expect(wrong.recommend('anyone', 5)).rejects.toThrow(/refused the API key/);
  });
});
