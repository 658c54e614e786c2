import { describe, expect, it } from 'vitest';
import { createEmbeddedRecommender, openRecommender, type Feedback, type Recommender, type RecommenderItem } from '@glimpse/recommender';
import { describeRecommenderContract } from './contract';
import { randomGenerator, shuffled } from './random';

describeRecommenderContract('embedded', async () => createEmbeddedRecommender(), { settle: async () => {} });

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1, 12);

const item = (id: string, time: number, labels: string[] = [], ownerId = 'poster'): RecommenderItem => ({ id, labels, timestamp: new Date(time), hidden: false, ownerId });
const like = (userId: string, itemId: string, time = T0): Feedback => ({ type: 'like', userId, itemId, timestamp: new Date(time) });
const read = (userId: string, itemId: string, time = T0): Feedback => ({ type: 'read', userId, itemId, timestamp: new Date(time) });

/** A catalogue of 300 images with 2 of 12 tags each, and 80 people liking 15 images at random. */
function catalogue(seed: number) {
  const random = randomGenerator(seed);
  const tags = Array.from({ length: 12 }, (_, i) => `tag${i}`);
  const items = Array.from({ length: 300 }, (_, i) => {
    const first = tags[Math.floor(random() * tags.length)]!;
    let second = first;
    while (second === first) second = tags[Math.floor(random() * tags.length)]!;
    return item(`img${String(i).padStart(3, '0')}`, T0 - Math.floor(random() * 240) * HOUR, [first, second]);
  });
  const feedback: Feedback[] = [];
  for (let user = 0; user < 80; user++) {
    for (const picked of shuffled(items, random).slice(0, 15)) feedback.push(like(`user${user}`, picked.id, T0 - Math.floor(random() * 48) * HOUR));
  }
  return { items, feedback, random };
}

async function fed(items: RecommenderItem[], feedback: Feedback[], now = T0): Promise<Recommender> {
  const recommender = createEmbeddedRecommender({ now: () => now });
  await recommender.upsertItems(items);
  await recommender.insertFeedback(feedback);
  return recommender;
}

describe('embedded recommender: personalisation', () => {
  it('after a user likes images with one tag, ranks the other images with that tag far above where chance would put them', async () => {
    const { items, feedback, random } = catalogue(7);
    const beach = items.filter((candidate) => candidate.labels.includes('tag3'));
    const recommender = await fed(items, feedback);
    await recommender.insertFeedback(beach.slice(0, 6).map((liked) => like('surfer', liked.id)));

    const list = await recommender.recommend('surfer', 1_000);
    expect(list.length).toBe(items.length - 6);
    const isBeach = new Set(beach.map((candidate) => candidate.id));
    /** Mean position of the tagged images, 0 = top of the list, 1 = bottom. */
    const meanRank = (ranking: string[]) => {
      const ranks = ranking.flatMap((id, position) => (isBeach.has(id) ? [position / (ranking.length - 1)] : []));
      return ranks.reduce((sum, value) => sum + value, 0) / ranks.length;
    };
    const baselines = Array.from({ length: 200 }, () => meanRank(shuffled(list, random)));
    const baseline = baselines.reduce((sum, value) => sum + value, 0) / baselines.length;
    const personalised = meanRank(list);

    expect(baseline).toBeGreaterThan(0.45);
    expect(baseline).toBeLessThan(0.55);
    expect(personalised).toBeLessThan(0.2);
    expect(personalised).toBeLessThan(Math.min(...baselines));
    // And the top of the list is where it shows: most of the first ten carry the tag.
    expect(list.slice(0, 10).filter((id) => isBeach.has(id)).length).toBeGreaterThanOrEqual(8);
  });

  it('recommends what people with the same likes also liked, ahead of merely popular items', async () => {
    const items = ['a', 'b', 'c', 'hit'].map((id) => item(id, T0 - HOUR));
    const feedback = [
      ...['u1', 'u2', 'u3'].flatMap((user) => [like(user, 'a'), like(user, 'b')]),
      ...['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].map((user) => like(user, 'hit')),
      like('me', 'a'),
    ];
    const recommender = await fed(items, feedback);
    expect(await recommender.recommend('me', 10)).toEqual(['b', 'hit', 'c']);
  });

  it("uses a new user's declared interests before they have liked anything", async () => {
    const items = [item('mountain', T0 - 3 * HOUR, ['mountain']), item('city', T0 - HOUR, ['city']), item('sea', T0 - 2 * HOUR, ['sea'])];
    const recommender = await fed(items, [like('x', 'city'), like('y', 'city')]);
    await recommender.upsertUser('hiker', ['mountain']);
    expect((await recommender.recommend('hiker', 3))[0]).toBe('mountain');
    await recommender.upsertUser('hiker');
    expect((await recommender.recommend('hiker', 3))[0]).toBe('mountain');
    await recommender.upsertUser('hiker', []);
    expect((await recommender.recommend('hiker', 3))[0]).toBe('city');
  });

  it('gives a newcomer the popular items, then the rest newest first', async () => {
    const items = [item('liked', T0 - 5 * HOUR), item('older', T0 - 3 * HOUR), item('newer', T0 - HOUR), item('newest', T0)];
    const recommender = await fed(items, [like('x', 'liked')]);
    expect(await recommender.recommend('newcomer', 10)).toEqual(['liked', 'newest', 'newer', 'older']);
    expect(await recommender.recommend('newcomer', 2, 1)).toEqual(['newest', 'newer']);
  });
});

describe("embedded recommender: the owner's tags before the machine's labels", () => {
  it('ranks an image sharing an owner tag with what the user liked above one sharing only a machine label, in recommend and similar', async () => {
    // The machine-labelled candidate is newer and more popular, so only the label's source can put the owner-tagged one first.
    const items: RecommenderItem[] = [
      item('liked', T0 - 10 * HOUR, ['beach']),
      item('owner-beach', T0 - 5 * HOUR, ['beach']),
      { ...item('machine-beach', T0 - HOUR, []), machineLabels: [{ label: 'beach', confidence: 0.9 }] },
      ...Array.from({ length: 30 }, (_, i) => item(`other${i}`, T0 - (20 + i) * HOUR, [`scene${i % 10}`])),
    ];
    const recommender = await fed(items, [like('walker', 'liked'), like('someone', 'machine-beach'), like('someone', 'other0')]);
    const top = await recommender.recommend('walker', 5);
    expect(top.indexOf('owner-beach'), `recommend: ${top}`).toBe(0);
    expect(top.indexOf('machine-beach'), `recommend: ${top}`).toBeGreaterThan(0);
    const neighbours = await recommender.similar('liked', 5);
    expect(neighbours.slice(0, 2), `similar: ${neighbours}`).toEqual(['owner-beach', 'machine-beach']);
  });
});

describe('embedded recommender: at the size of a big library', () => {
  it('a label nearly every image carries ("outdoor") does not drown the rare one the user likes, in recommend and similar', async () => {
    // 3,000 images, all "outdoor", the newest 60 of them also "kingfisher"; the user liked one kingfisher.
    const items = Array.from({ length: 3_000 }, (_, i) => item(`img${String(i).padStart(4, '0')}`, T0 - i * HOUR, i < 60 ? ['outdoor', 'kingfisher'] : ['outdoor', `scene${i % 40}`]));
    const recommender = await fed(items, [like('fan', 'img0000')]);
    const top = await recommender.recommend('fan', 20);
    expect(top.filter((id) => Number(id.slice(3)) < 60)).toHaveLength(20);
    const neighbours = await recommender.similar('img0001', 20);
    expect(neighbours.every((id) => Number(id.slice(3)) < 60)).toBe(true);
  });
});

describe('embedded recommender: what it is fed', () => {
  it('counts a like that arrives before its item, follows label changes, and forgets likes with a removed item', async () => {
    const recommender = await fed([item('a', T0 - HOUR, ['dog']), item('b', T0 - 2 * HOUR, ['cat'])], [like('u1', 'late'), like('u2', 'late'), like('u1', 'a')]);
    expect(await recommender.popular(5)).toEqual(['a', 'b']);
    // late: 2 / (2 + 2)^1.5 = 0.25 > a: 1 / (1 + 2)^1.5 ≈ 0.19
    await recommender.upsertItems([item('late', T0 - 2 * HOUR, ['cat'])]);
    expect(await recommender.popular(5)).toEqual(['late', 'a', 'b']);
    // u2's early like now counts: `b` shares its label, and u1, who also liked it, liked `a`
    expect(await recommender.recommend('u2', 5)).toEqual(['b', 'a']);
    expect(await recommender.similar('b', 5)).toEqual(['late']);

    await recommender.upsertItems([item('late', T0 - 2 * HOUR, ['dog'])]);
    expect(await recommender.similar('b', 5)).toEqual([]);
    expect(await recommender.similar('late', 5)).toEqual(['a']);

    await recommender.removeItem('late');
    await recommender.upsertItems([item('late', T0 - 3 * HOUR, ['dog']), item('c', T0, ['dog'])]);
    expect(await recommender.popular(5)).toEqual(['a', 'c', 'b', 'late']);
    expect(await recommender.recommend('u2', 5)).toEqual(['a', 'c', 'b', 'late']);
  });
});

describe('embedded recommender: popularity with time decay', () => {
  it('lets a fresh item with fewer likes outrank an old one with more, and the old one win again when both age', async () => {
    const items = [item('old', T0 - 72 * HOUR), item('fresh', T0 - HOUR)];
    const feedback = [...Array.from({ length: 10 }, (_, i) => like(`fan${i}`, 'old')), like('a', 'fresh'), like('b', 'fresh')];
    // fresh: 2 / (1 + 2)^1.5 ≈ 0.385; old: 10 / (72 + 2)^1.5 ≈ 0.016
    expect(await (await fed(items, feedback)).popular(2)).toEqual(['fresh', 'old']);
    // A year later the ages hardly differ, and ten likes beat two.
    expect(await (await fed(items, feedback, T0 + 365 * 24 * HOUR)).popular(2)).toEqual(['old', 'fresh']);
  });

  it('counts a view as a fifth of a like', async () => {
    const items = [item('viewed', T0 - HOUR), item('liked', T0 - HOUR), item('ignored', T0 - HOUR)];
    const fourViews = ['a', 'b', 'c', 'd'].map((user) => read(user, 'viewed'));
    expect(await (await fed(items, [...fourViews, like('e', 'liked')])).popular(3)).toEqual(['liked', 'viewed', 'ignored']);
    const sixViews = [...fourViews, read('e', 'viewed'), read('f', 'viewed'), read('f', 'viewed')];
    expect(await (await fed(items, [...sixViews, like('g', 'liked')])).popular(3)).toEqual(['viewed', 'liked', 'ignored']);
  });
});

describe('embedded recommender: determinism', () => {
  it('answers the same whatever order it was fed in, breaking ties by newer then by id', async () => {
    const { items, feedback } = catalogue(11);
    const random = randomGenerator(99);
    const first = await fed(items, feedback);
    const second = await fed(shuffled(items, random), shuffled(feedback, random));
    for (const user of ['user0', 'user17', 'user42', 'nobody']) {
      expect(await second.recommend(user, 50)).toEqual(await first.recommend(user, 50));
    }
    expect(await second.popular(300)).toEqual(await first.popular(300));
    expect(await second.similar('img010', 20)).toEqual(await first.similar('img010', 20));

    const ties = await fed([item('b', T0), item('a', T0), item('c', T0 + 1), item('d', T0 - 1)], []);
    expect(await ties.popular(4)).toEqual(['c', 'a', 'b', 'd']);
  });

  it('pages consistently: offset pages put together give the whole list', async () => {
    const { items, feedback } = catalogue(3);
    const recommender = await fed(items, feedback);
    const whole = await recommender.recommend('user5', 60);
    const pages = [...(await recommender.recommend('user5', 20)), ...(await recommender.recommend('user5', 20, 20)), ...(await recommender.recommend('user5', 20, 40))];
    expect(pages).toEqual(whole);
    expect(await recommender.popular(0)).toEqual([]);
  });

  it('refuses a negative or fractional page size', async () => {
    const recommender = createEmbeddedRecommender();
    await expect(recommender.recommend('u', -1)).rejects.toThrow(RangeError);
    await expect(recommender.popular(10, 1.5)).rejects.toThrow(/offset/);
  });
});

describe('openRecommender', () => {
  it('opens the embedded recommender without a Gorse URL, and the Gorse adapter with one', () => {
    expect(openRecommender({}).kind).toBe('embedded');
    expect(openRecommender({ gorseUrl: 'http://127.0.0.1:8088', gorseApiKey: 'k' }).kind).toBe('gorse');
    expect(() => openRecommender({ gorseUrl: 'not a url' })).toThrow(/GORSE_URL/);
  });
});
