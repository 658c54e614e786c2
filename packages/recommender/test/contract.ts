import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Feedback, Recommender, RecommenderItem } from '@glimpse/recommender';

export interface ContractOptions {
  /** Waits until the engine has refreshed its models from what it was sent (no-op embedded). */
  settle: () => Promise<void>;
}

const HOUR = 3_600_000;

/**
 * What every recommender must do, run against each one (in-process in `npm test`, a live
 * gorse-in-one in the stack tier) so that the embedded default cannot drift from Gorse.
 *
 * Gorse refreshes its models asynchronously and breaks ties in no particular order, so the
 * assertions are the ones a correct engine satisfies whatever its model: membership, absence,
 * and "ranks above" between items whose scores differ clearly (see each fixture's numbers:
 * popularity is likes / (ageHours + 2) ^ 1.5 on both engines). Every test works on ids of its
 * own; the suite clears the engine once at the start and checks `clear` at the end.
 */
export function describeRecommenderContract(name: string, open: () => Promise<Recommender>, { settle }: ContractOptions) {
  describe(`recommender contract: ${name}`, () => {
    let recommender: Recommender;
    const run = randomUUID().slice(0, 8);
    const id = (test: string, what: string) => `${run}-${test}-${what}`;
    const now = Date.now();
    const item = (itemId: string, ageHours: number, labels: string[], extra: Partial<RecommenderItem> = {}): RecommenderItem => ({
      id: itemId,
      labels,
      timestamp: new Date(now - ageHours * HOUR),
      hidden: false,
      ownerId: `${run}-poster`,
      ...extra,
    });
    /** Feedback a minute ago: Gorse ignores feedback stamped in the future. */
    const likes = (itemId: string, userIds: string[]): Feedback[] =>
      userIds.map((userId) => ({ type: 'like', userId, itemId, timestamp: new Date(now - 60_000) }));
    const users = (test: string, count: number) => Array.from({ length: count }, (_, i) => id(test, `user${i}`));
    const rank = (list: string[], itemId: string) => (list.includes(itemId) ? list.indexOf(itemId) : Number.POSITIVE_INFINITY);

    beforeAll(async () => {
      recommender = await open();
      await recommender.clear();
    });

    it('answers ping when it is reachable', async () => {
      await expect(recommender.ping()).resolves.toBeUndefined();
    });

    it('ranks a recent, much-liked item above an old one with more likes and above one nobody liked', async () => {
      const [hot, old, unliked] = [id('popular', 'hot'), id('popular', 'old'), id('popular', 'unliked')];
      // hot: 5 / (1 + 2)^1.5 ≈ 0.96; old: 8 / (720 + 2)^1.5 ≈ 0.0004; unliked: 0
      await recommender.upsertItems([item(hot, 1, ['popular']), item(old, 720, ['popular']), item(unliked, 0.5, ['popular'])]);
      await recommender.insertFeedback([...likes(hot, users('popular', 5)), ...likes(old, users('popular', 8))]);
      await settle();
      const popular = await recommender.popular(200);
      expect(popular).toContain(hot);
      expect(rank(popular, hot)).toBeLessThan(rank(popular, old));
      expect(rank(popular, hot)).toBeLessThan(rank(popular, unliked));
      expect(new Set(popular).size).toBe(popular.length);
      const [first, second] = [await recommender.popular(2, 0), await recommender.popular(2, 2)];
      expect([...first, ...second]).toEqual(popular.slice(0, 4));
    });

    it('never shows a hidden item: not in popular, recommendations or neighbours, and at once when an item is hidden', async () => {
      const [secret, visible, later] = [id('hidden', 'secret'), id('hidden', 'visible'), id('hidden', 'later')];
      const fans = users('hidden', 6);
      await recommender.upsertItems([item(secret, 1, ['hidden', 'cat'], { hidden: true }), item(visible, 1, ['hidden', 'cat']), item(later, 1, ['hidden', 'cat'])]);
      // The hidden item is the most liked and is co-liked with the visible one.
      await recommender.insertFeedback([...likes(secret, fans), ...likes(visible, fans.slice(0, 3)), ...likes(later, fans.slice(3))]);
      const reader = id('hidden', 'reader');
      await recommender.insertFeedback(likes(visible, [reader]));
      await settle();
      const everywhere = async () => [
        ...(await recommender.popular(200)),
        ...(await recommender.recommend(reader, 200)),
        ...(await recommender.recommend(id('hidden', 'stranger'), 200)),
        ...(await recommender.similar(visible, 50)),
      ];
      expect(await everywhere()).not.toContain(secret);
      expect(await recommender.popular(200)).toContain(later);

      await recommender.upsertItems([item(later, 1, ['hidden', 'cat'], { hidden: true })]);
      expect(await everywhere()).not.toContain(later);
    });

    it('forgets a removed item everywhere, at once', async () => {
      const [gone, stays] = [id('removed', 'gone'), id('removed', 'stays')];
      const fans = users('removed', 4);
      await recommender.upsertItems([item(gone, 1, ['removed']), item(stays, 1, ['removed'])]);
      await recommender.insertFeedback([...likes(gone, fans), ...likes(stays, fans)]);
      await settle();
      expect(await recommender.popular(200)).toContain(gone);

      await recommender.removeItem(gone);
      await recommender.removeItem(id('removed', 'never-existed'));
      const listed = [...(await recommender.popular(200)), ...(await recommender.similar(stays, 50)), ...(await recommender.recommend(id('removed', 'stranger'), 200))];
      expect(listed).not.toContain(gone);
    });

    it("leaves the user's own items and what they already liked or viewed out of their recommendations", async () => {
      const me = id('mine', 'me');
      const mine = [id('mine', 'own1'), id('mine', 'own2')];
      const liked = [id('mine', 'liked1'), id('mine', 'liked2')];
      const viewed = id('mine', 'viewed');
      const fresh = [id('mine', 'fresh1'), id('mine', 'fresh2')];
      const others = users('mine', 5);
      await recommender.upsertUser(me);
      await recommender.upsertItems([...mine.map((itemId) => item(itemId, 1, ['mine'], { ownerId: me })), ...[...liked, viewed, ...fresh].map((itemId) => item(itemId, 1, ['mine']))]);
      // Everything here is popular and co-liked, so only the exclusion keeps it out.
      await recommender.insertFeedback([...[...mine, ...liked, viewed, ...fresh].flatMap((itemId) => likes(itemId, others)), ...liked.flatMap((itemId) => likes(itemId, [me]))]);
      await recommender.insertFeedback([{ type: 'read', userId: me, itemId: viewed, timestamp: new Date(now - 60_000) }]);
      await settle();
      const recommended = await recommender.recommend(me, 200);
      expect(recommended.length).toBeGreaterThan(0);
      for (const excluded of [...mine, ...liked, viewed]) expect(recommended).not.toContain(excluded);
      expect(recommended).toEqual(expect.arrayContaining(fresh));
      expect(new Set(recommended).size).toBe(recommended.length);
    });

    it('gives a user with no history the popular items first, not an empty list', async () => {
      const star = id('cold', 'star');
      // 12 / (0.5 + 2)^1.5 ≈ 3.0: the most popular item of the whole suite.
      await recommender.upsertItems([item(star, 0.5, ['cold'])]);
      await recommender.insertFeedback(likes(star, users('cold', 12)));
      await settle();
      expect((await recommender.popular(1))[0]).toBe(star);
      for (const newcomer of [id('cold', 'never-seen'), id('cold', 'signed-up')]) {
        if (newcomer.endsWith('signed-up')) await recommender.upsertUser(newcomer, []);
        const recommended = await recommender.recommend(newcomer, 10);
        expect(recommended[0]).toBe(star);
        expect(recommended.length).toBe(10);
      }
    });

    it('finds the items liked by the same people as neighbours', async () => {
      const [seed, twin, stranger] = [id('similar', 'seed'), id('similar', 'twin'), id('similar', 'stranger')];
      const together = users('similar', 4);
      // Labels shared by nobody, so only the likes connect seed and twin.
      await recommender.upsertItems([item(seed, 3, [id('similar', 'a')]), item(twin, 3, [id('similar', 'b')]), item(stranger, 3, [id('similar', 'c')])]);
      await recommender.insertFeedback([...likes(seed, together), ...likes(twin, together), ...likes(stranger, users('similar-other', 4))]);
      await settle();
      const neighbours = await recommender.similar(seed, 10);
      expect(neighbours).toContain(twin);
      expect(neighbours).not.toContain(seed);
      expect(rank(neighbours, twin)).toBeLessThan(rank(neighbours, stranger));
      expect((await recommender.similar(seed, 1)).length).toBe(1);
    });

    it("takes an unlike back: the item loses the like's weight in popular", async () => {
      const [liked, rival] = [id('unlike', 'liked'), id('unlike', 'rival')];
      const [fan, other, rivalFan] = users('unlike', 3) as [string, string, string];
      // before: liked 2 / (2 + 2)^1.5 = 0.25 > rival 1 / (1 + 2)^1.5 ≈ 0.19; after: 0.125 < 0.19
      await recommender.upsertItems([item(liked, 2, ['unlike']), item(rival, 1, ['unlike'])]);
      await recommender.insertFeedback([...likes(liked, [fan, other]), ...likes(rival, [rivalFan])]);
      await settle();
      let popular = await recommender.popular(200);
      expect(rank(popular, liked)).toBeLessThan(rank(popular, rival));

      await recommender.deleteFeedback('like', fan, liked);
      await recommender.deleteFeedback('like', fan, id('unlike', 'never-liked'));
      await settle();
      popular = await recommender.popular(200);
      expect(rank(popular, rival)).toBeLessThan(rank(popular, liked));
    });

    it('forgets everything on clear, and keeps working after', async () => {
      await recommender.clear();
      await settle();
      expect(await recommender.popular(50)).toEqual([]);
      expect(await recommender.recommend(id('clear', 'anyone'), 10)).toEqual([]);
      const again = id('clear', 'again');
      await recommender.upsertItems([item(again, 1, ['clear'])]);
      await settle();
      expect(await recommender.recommend(id('clear', 'anyone'), 10)).toEqual([again]);
      await expect(recommender.ping()).resolves.toBeUndefined();
    });
  });
}
