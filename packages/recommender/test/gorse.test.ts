import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createGorseRecommender, RecommenderUnavailableError, type Recommender, type RecommenderItem } from '@glimpse/recommender';
import { startFakeGorse } from './fake-gorse';

// The request and answer shapes below are Gorse v0.5.4's (server/rest.go: Item, Feedback,
// Success, cache.Score, UserIterator, ItemIterator, HealthStatus); the stack tier checks the
// same adapter against a live gorse-in-one.

const at = new Date('2025-06-01T12:00:00.000Z');
const image = (id: string, extra: Partial<RecommenderItem> = {}): RecommenderItem => ({ id, labels: ['cat', 'sofa', 'cat'], timestamp: at, hidden: false, ownerId: 'poster', ...extra });

describe('Gorse adapter: requests and answers', () => {
  let fake: Awaited<ReturnType<typeof startFakeGorse>>;
  let gorse: Recommender;
  beforeAll(async () => {
    fake = await startFakeGorse();
    gorse = createGorseRecommender({ url: fake.url, apiKey: 'secret' });
  });
  afterEach(() => {
    fake.requests.length = 0;
    fake.answer(() => undefined);
  });
  afterAll(() => fake.close());

  it("sends the owner's tags as labels, and the machine's only when it is sure of them", async () => {
    await gorse.upsertItems([image('tagged', { labels: ['home'], machineLabels: [{ label: 'cat', confidence: 0.92 }, { label: 'grass', confidence: 0.31 }, { label: 'home', confidence: 0.7 }] })]);
    expect((fake.requests[0]!.body as Array<{ Labels: string[] }>)[0]!.Labels).toEqual(['home', 'cat']);
  });

  it('upserts items in batches of 500 with IsHidden, labels and an RFC 3339 timestamp, then marks each owner', async () => {
    const items = Array.from({ length: 1_200 }, (_, i) => image(`img-${i}`, { hidden: i % 2 === 1 }));
    await gorse.upsertItems(items);
    expect(fake.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /api/items',
      'PUT /api/feedback',
      'POST /api/items',
      'PUT /api/feedback',
      'POST /api/items',
      'PUT /api/feedback',
    ]);
    expect(fake.requests.map((request) => (request.body as unknown[]).length)).toEqual([500, 500, 500, 500, 200, 200]);
    const [posted, owned] = fake.requests.map((request) => request.body as unknown[]) as [unknown[], unknown[]];
    expect(posted[1]).toEqual({ ItemId: 'img-1', IsHidden: true, Categories: [], Timestamp: '2025-06-01T12:00:00.000Z', Labels: ['cat', 'sofa'], Comment: '' });
    expect(owned[1]).toEqual({ FeedbackType: 'own', UserId: 'poster', ItemId: 'img-1', Value: 0, Timestamp: '2025-06-01T12:00:00.000Z', Comment: '' });
    for (const request of fake.requests) expect(request).toMatchObject({ apiKey: 'secret', contentType: 'application/json' });
  });

  it('never stamps ownership in the future (Gorse would ignore it) and sends none without an owner', async () => {
    const future = new Date(Date.now() + 86_400_000);
    await gorse.upsertItems([image('later', { timestamp: future }), image('orphan', { ownerId: '' })]);
    const owned = (fake.requests[1]!.body as { ItemId: string; Timestamp: string }[]).map((entry) => [entry.ItemId, Date.parse(entry.Timestamp) <= Date.now()]);
    expect(owned).toEqual([['later', true]]);
  });

  it('writes likes and views with PUT (one row per type, user and item), and deletes one like on unlike', async () => {
    await gorse.insertFeedback([
      { type: 'like', userId: 'u1', itemId: 'i1', timestamp: at },
      { type: 'read', userId: 'u1', itemId: 'i2', timestamp: at },
    ]);
    await gorse.deleteFeedback('like', 'u 1', 'i?1');
    await gorse.removeItem('img #1%');
    expect(fake.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['PUT /api/feedback', 'DELETE /api/feedback/like/u%201/i%3F1', 'DELETE /api/item/img%20%231%25']);
    expect(fake.requests[0]!.body).toEqual([
      { FeedbackType: 'like', UserId: 'u1', ItemId: 'i1', Value: 1, Timestamp: '2025-06-01T12:00:00.000Z', Comment: '' },
      { FeedbackType: 'read', UserId: 'u1', ItemId: 'i2', Value: 1, Timestamp: '2025-06-01T12:00:00.000Z', Comment: '' },
    ]);
  });

  it('replaces declared interests when given, and otherwise only creates a missing user', async () => {
    await gorse.upsertUser('alice', ['mountain']);
    await gorse.upsertUser('bob');
    fake.answer((request) => (request.path === '/api/user/carol' ? { body: { UserId: 'carol', Labels: ['sea'], Comment: '' } } : undefined));
    await gorse.upsertUser('carol');
    expect(fake.requests.map((request) => [`${request.method} ${request.path}`, request.body])).toEqual([
      ['POST /api/user', { UserId: 'alice', Labels: ['mountain'], Comment: '' }],
      ['GET /api/user/bob', undefined],
      ['POST /api/user', { UserId: 'bob', Labels: [], Comment: '' }],
      ['GET /api/user/carol', undefined],
    ]);
  });

  it('reads recommendations as ids, and popular and neighbours from their scores', async () => {
    fake.answer((request) => {
      if (request.path === '/api/recommend/u 1') return { body: ['a', 'b'] };
      if (request.path === '/api/non-personalized/popular') return { body: [{ Id: 'p', Score: 3.1 }, { Id: 'q', Score: 0 }] };
      if (request.path === '/api/item/seed/neighbors') return { body: [{ Id: 'twin', Score: 0.6 }] };
      return { body: null };
    });
    expect(await gorse.recommend('u 1', 5, 10)).toEqual(['a', 'b']);
    expect(await gorse.popular(3, 1)).toEqual(['p', 'q']);
    expect(await gorse.similar('seed', 4)).toEqual(['twin']);
    expect(await gorse.recommend('nobody', 5)).toEqual([]);
    expect(await gorse.recommend('u 1', 0)).toEqual([]);
    expect(fake.requests.map((request) => request.url)).toEqual([
      '/api/recommend/u%201?n=5&offset=10',
      '/api/non-personalized/popular?n=3&offset=1',
      '/api/item/seed/neighbors?n=4',
      '/api/recommend/nobody?n=5&offset=0',
    ]);
  });

  it('asks the leaderboard it is told to, under a base path', async () => {
    const proxied = createGorseRecommender({ url: `${fake.url}/gorse`, popularName: 'trending' });
    fake.answer(() => ({ body: [] }));
    await proxied.popular(10);
    expect(fake.requests[0]).toMatchObject({ url: '/gorse/api/non-personalized/trending?n=10&offset=0', apiKey: undefined });
  });

  it('clears by deleting every item, following the cursor, then every user', async () => {
    fake.answer((request) => {
      if (request.path === '/api/items') {
        return request.query.get('cursor') === 'Yw==' ? { body: { Cursor: '', Items: [{ ItemId: 'c' }] } } : { body: { Cursor: 'Yw==', Items: [{ ItemId: 'a' }, { ItemId: 'b' }] } };
      }
      if (request.path === '/api/users') return { body: { Cursor: '', Users: [{ UserId: 'u' }] } };
      return undefined;
    });
    await gorse.clear();
    const deleted = fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.path);
    expect(deleted.sort()).toEqual(['/api/item/a', '/api/item/b', '/api/item/c', '/api/user/u']);
    expect(fake.requests.filter((request) => request.method === 'GET').map((request) => request.url)).toEqual(['/api/items?n=1000', '/api/items?n=1000&cursor=Yw%3D%3D', '/api/users?n=1000']);
  });

  it('pings readiness, then an authenticated route', async () => {
    fake.answer((request) => (request.path === '/api/health/ready' ? { body: { Ready: true, DataStoreConnected: true, CacheStoreConnected: true } } : { body: [] }));
    await expect(gorse.ping()).resolves.toBeUndefined();
    expect(fake.requests.map((request) => request.url)).toEqual(['/api/health/ready', '/api/latest?n=1']);
  });

  it('refuses ids with a slash before sending anything: Gorse could store them but never address them', async () => {
    await expect(gorse.upsertItems([image('a/b')])).rejects.toThrow(/contain no "\/"/);
    await expect(gorse.insertFeedback([{ type: 'like', userId: 'u', itemId: 'x/y', timestamp: at }])).rejects.toThrow(RangeError);
    await expect(gorse.recommend('u/1', 3)).rejects.toThrow(RangeError);
    expect(fake.requests).toEqual([]);
  });
});

describe('Gorse adapter when Gorse cannot answer', () => {
  const unavailable = /^Recommender \(Gorse\) is unavailable at http:\/\/127\.0\.0\.1:\d+: /;
  const everyOperation = (gorse: Recommender): Record<string, () => Promise<unknown>> => ({
    upsertItems: () => gorse.upsertItems([image('i')]),
    removeItem: () => gorse.removeItem('i'),
    upsertUser: () => gorse.upsertUser('u', ['x']),
    insertFeedback: () => gorse.insertFeedback([{ type: 'like', userId: 'u', itemId: 'i', timestamp: at }]),
    deleteFeedback: () => gorse.deleteFeedback('like', 'u', 'i'),
    recommend: () => gorse.recommend('u', 5),
    popular: () => gorse.popular(5),
    similar: () => gorse.similar('i', 5),
    clear: () => gorse.clear(),
    ping: () => gorse.ping(),
  });
  async function expectEveryOperationUnavailable(gorse: Recommender, detail: RegExp) {
    for (const [name, attempt] of Object.entries(everyOperation(gorse))) {
      const error = await attempt().then(() => undefined, (caught: unknown) => caught);
      expect(error, name).toBeInstanceOf(RecommenderUnavailableError);
      expect(error, name).toMatchObject({ code: 'RECOMMENDER_UNAVAILABLE', apiCode: 'SERVICE_UNAVAILABLE' });
      expect((error as Error).message, name).toMatch(unavailable);
      expect((error as Error).message, name).toMatch(detail);
    }
  }

  it('names the recommender as unavailable when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expectEveryOperationUnavailable(createGorseRecommender({ url: `http://127.0.0.1:${port}` }), /ECONNREFUSED/);
  });

  it('names it unavailable on 5xx, with the status and what Gorse said', async () => {
    const fake = await startFakeGorse(() => ({ status: 500, text: 'database is locked' }));
    try {
      await expectEveryOperationUnavailable(createGorseRecommender({ url: fake.url }), /answered 500: database is locked/);
      fake.answer(() => ({ status: 503, text: 'no upstream' }));
      await expect(createGorseRecommender({ url: fake.url }).popular(5)).rejects.toThrow(/answered 503: no upstream/);
    } finally {
      await fake.close();
    }
  });

  it('names it unavailable when the API key is refused, and says which setting to check', async () => {
    const fake = await startFakeGorse(() => ({ status: 401, text: 'unauthorized' }));
    try {
      await expectEveryOperationUnavailable(createGorseRecommender({ url: fake.url, apiKey: 'wrong' }), /refused the API key \(401 on .*\); check GORSE_API_KEY/);
    } finally {
      await fake.close();
    }
  });

  it('names it unavailable when it is up but not ready, or answers with something other than JSON', async () => {
    const fake = await startFakeGorse(() => ({ status: 200, text: '<html>captive portal</html>' }));
    try {
      await expect(createGorseRecommender({ url: fake.url }).recommend('u', 3)).rejects.toThrow(/answered with something other than JSON/);
      fake.answer(() => ({ status: 503, body: { Ready: false } }));
      await expect(createGorseRecommender({ url: fake.url }).ping()).rejects.toBeInstanceOf(RecommenderUnavailableError);
    } finally {
      await fake.close();
    }
  });

  it('treats a request Gorse rejects (400) as a bug to report, not as an outage', async () => {
    const fake = await startFakeGorse(() => ({ status: 400, text: 'strconv.Atoi: parsing "x": invalid syntax' }));
    try {
      const error = await createGorseRecommender({ url: fake.url }).recommend('u', 3).catch((caught: unknown) => caught);
      expect(error).not.toBeInstanceOf(RecommenderUnavailableError);
      expect((error as Error).message).toMatch(/rejected GET recommend\/u with 400: strconv.Atoi/);
    } finally {
      await fake.close();
    }
  });

  describe('a Gorse that accepts connections and never answers', () => {
    let server: Server;
    const sockets = new Set<Socket>();
    let url = '';
    beforeAll(async () => {
      server = createServer((socket) => sockets.add(socket.on('close', () => sockets.delete(socket))));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('gives up after the timeout, naming the recommender as unavailable', async () => {
      const started = Date.now();
      await expectEveryOperationUnavailable(createGorseRecommender({ url, timeoutMs: 200 }), /no answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(10 * 200 + 2_000);
    });
  });
});
