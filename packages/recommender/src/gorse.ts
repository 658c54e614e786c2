import { assertPage, GORSE_MACHINE_LABEL_MIN_CONFIDENCE, RecommenderUnavailableError, type Feedback, type Recommender, type RecommenderItem } from './recommender';

/**
 * The Recommender over Gorse's REST API (v0.5.4, server/rest.go), with Node's fetch: the
 * API is a dozen JSON routes, so an SDK would add a dependency and hide the shapes below.
 *
 * How Glimpse maps onto Gorse (see gorse/config.toml, which configures the names used here):
 * - an item is a Gorse item with `IsHidden` and its tags as `Labels`;
 * - a like is feedback `like` (positive), a view is feedback `read`;
 * - ownership is feedback `own`, which is neither positive nor read, so no model learns from
 *   it, but `/api/recommend` leaves out every item the user has any feedback on;
 * - `popular` is the leaderboard `non-personalized/popular`, `similar` the first
 *   item-to-item recommender (`/api/item/{id}/neighbors`), `recommend` is `/api/recommend`.
 */
export interface GorseRecommenderOptions {
  /** Base URL of the Gorse server API, e.g. http://127.0.0.1:8088 (no /api). */
  url: string;
  apiKey?: string;
  /**
   * Per request (default 3 s): a Gorse that accepts connections and never answers fails after
   * this, and the feed falls back instead of hanging.
   */
  timeoutMs?: number;
  /** Name of the leaderboard serving `popular` ([[recommend.non-personalized]] name). */
  popularName?: string;
}

/** Shapes of Gorse v0.5.4's REST API (server/rest.go, storage/data, storage/cache). */
export interface GorseItem {
  ItemId: string;
  IsHidden: boolean;
  Categories: string[];
  /** RFC 3339 */
  Timestamp: string;
  Labels: string[];
  Comment: string;
}
export interface GorseUser {
  UserId: string;
  Labels: string[] | null;
  Comment: string;
}
export interface GorseFeedback {
  FeedbackType: string;
  UserId: string;
  ItemId: string;
  Value: number;
  Timestamp: string;
  Comment: string;
}
export interface GorseScore {
  Id: string;
  Score: number;
}
export interface GorseSuccess {
  RowAffected: number;
}

/** Feedback type that marks an item as the user's own (see above). */
export const OWN_FEEDBACK_TYPE = 'own';
const BATCH = 500;
const DELETE_CONCURRENCY = 16;

export function createGorseRecommender(options: GorseRecommenderOptions): Recommender {
  const base = parseBaseUrl(options.url);
  const timeoutMs = options.timeoutMs ?? 3_000;
  const popularName = options.popularName ?? 'popular';
  const where = (base.origin + base.pathname).replace(/\/$/, '');

  /** One request; with `missing`, a 404 resolves to it instead of failing. */
  async function call<T>(method: string, path: string, body?: unknown, missing?: T): Promise<T> {
    const route = `${method} ${path.split('?')[0]}`;
    let response: Response;
    try {
      response = await fetch(new URL(`api/${path}`, base), {
        method,
        headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(options.apiKey ? { 'X-API-Key': options.apiKey } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (cause) {
      throw new RecommenderUnavailableError(`Recommender (Gorse) is unavailable at ${where}: ${route} failed: ${describe(cause, timeoutMs)}`, { cause });
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404 && missing !== undefined) return missing;
    if (!response.ok) {
      const detail = text.trim().slice(0, 300) || response.statusText;
      if (response.status === 401 || response.status === 403) {
        throw new RecommenderUnavailableError(`Recommender (Gorse) is unavailable at ${where}: it refused the API key (${response.status} on ${route}); check GORSE_API_KEY`);
      }
      if (response.status >= 500 || response.status === 404 || response.status === 429) {
        throw new RecommenderUnavailableError(`Recommender (Gorse) is unavailable at ${where}: ${route} answered ${response.status}: ${detail}`);
      }
      throw new Error(`Gorse at ${where} rejected ${route} with ${response.status}: ${detail}`);
    }
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new RecommenderUnavailableError(`Recommender (Gorse) is unavailable at ${where}: ${route} answered with something other than JSON`, { cause });
    }
  }

  /** Deletes every listed entry, page by page (Gorse pages by key, so deleting keeps the cursor valid). */
  async function deleteAll<Page extends { Cursor: string }>(list: 'items' | 'users', idsOf: (page: Page) => string[]): Promise<void> {
    const stuck: string[] = [];
    let cursor = '';
    do {
      const page = await call<Page>('GET', `${list}?n=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      const ids = idsOf(page);
      stuck.push(...ids.filter((id) => id.includes('/')));
      const paths = ids.filter((id) => !id.includes('/')).map((id) => `${list === 'items' ? 'item' : 'user'}/${encodeURIComponent(id)}`);
      await forEachLimited(paths, DELETE_CONCURRENCY, (path) => call<GorseSuccess>('DELETE', path));
      cursor = page.Cursor;
    } while (cursor);
    if (stuck.length > 0) throw new Error(`Gorse at ${where} keeps ${list} whose ids contain "/", which its API cannot delete: ${stuck.slice(0, 5).join(', ')}`);
  }

  const ids = (scores: GorseScore[] | null) => (scores ?? []).map((score) => score.Id);
  const segment = (id: string) => encodeURIComponent(addressable(id));

  return {
    kind: 'gorse',
    async upsertItems(items) {
      for (const item of items) {
        addressable(item.id);
        if (item.ownerId) addressable(item.ownerId);
      }
      for (const batch of chunks(items, BATCH)) {
        await call<GorseSuccess>('POST', 'items', batch.map(toGorseItem));
        const owned = batch.filter((item) => item.ownerId).map(ownership);
        if (owned.length > 0) await call<GorseSuccess>('PUT', 'feedback', owned);
      }
    },
    async removeItem(itemId) {
      await call<GorseSuccess>('DELETE', `item/${segment(itemId)}`);
    },
    async upsertUser(userId, labels) {
      if (labels === undefined) {
        // POST /api/user replaces the labels: only create the user when it is missing.
        const existing = await call<GorseUser | null>('GET', `user/${segment(userId)}`, undefined, null);
        if (existing) return;
      }
      await call<GorseSuccess>('POST', 'user', { UserId: userId, Labels: labels ?? [], Comment: '' } satisfies GorseUser);
    },
    async insertFeedback(feedback) {
      for (const entry of feedback) {
        addressable(entry.userId);
        addressable(entry.itemId);
      }
      // PUT overwrites: the same (type, user, item) again keeps one row with the latest time.
      for (const batch of chunks(feedback, BATCH)) await call<GorseSuccess>('PUT', 'feedback', batch.map(toGorseFeedback));
    },
    async deleteFeedback(type, userId, itemId) {
      await call<GorseSuccess>('DELETE', `feedback/${segment(type)}/${segment(userId)}/${segment(itemId)}`);
    },
    async recommend(userId, n, offset = 0) {
      assertPage(n, offset);
      if (n === 0) return [];
      return (await call<string[] | null>('GET', `recommend/${segment(userId)}?n=${n}&offset=${offset}`)) ?? [];
    },
    async popular(n, offset = 0) {
      assertPage(n, offset);
      if (n === 0) return [];
      return ids(await call<GorseScore[] | null>('GET', `non-personalized/${segment(popularName)}?n=${n}&offset=${offset}`));
    },
    async similar(itemId, n) {
      assertPage(n, 0);
      if (n === 0) return [];
      return ids(await call<GorseScore[] | null>('GET', `item/${segment(itemId)}/neighbors?n=${n}`));
    },
    async clear() {
      // Gorse has no "delete everything" on its server API (/api/purge needs the dashboard
      // login): delete every item (with its feedback), then every user, page by page.
      await deleteAll('items', (page: { Cursor: string; Items: GorseItem[] | null }) => (page.Items ?? []).map((item) => item.ItemId));
      await deleteAll('users', (page: { Cursor: string; Users: GorseUser[] | null }) => (page.Users ?? []).map((user) => user.UserId));
    },
    async ping() {
      // Readiness says the stores answer; the listing proves the API key is accepted.
      const health = await call<{ Ready: boolean }>('GET', 'health/ready');
      if (!health.Ready) throw new RecommenderUnavailableError(`Recommender (Gorse) is unavailable at ${where}: it is not ready`);
      await call<unknown>('GET', 'latest?n=1');
    },
  };
}

export function toGorseItem(item: RecommenderItem): GorseItem {
  // Gorse weighs every label alike: the owner's tags, and only the machine labels it is sure of.
  const sure = (item.machineLabels ?? []).filter((machine) => machine.confidence >= GORSE_MACHINE_LABEL_MIN_CONFIDENCE).map((machine) => machine.label);
  return { ItemId: item.id, IsHidden: item.hidden, Categories: [], Timestamp: item.timestamp.toISOString(), Labels: [...new Set([...item.labels, ...sure])], Comment: '' };
}

export function toGorseFeedback(feedback: Feedback): GorseFeedback {
  return { FeedbackType: feedback.type, UserId: feedback.userId, ItemId: feedback.itemId, Value: 1, Timestamp: feedback.timestamp.toISOString(), Comment: '' };
}

/** Gorse ignores feedback stamped in the future, so ownership is never later than now. */
function ownership(item: RecommenderItem): GorseFeedback {
  const timestamp = new Date(Math.min(item.timestamp.getTime(), Date.now()));
  return { FeedbackType: OWN_FEEDBACK_TYPE, UserId: item.ownerId, ItemId: item.id, Value: 0, Timestamp: timestamp.toISOString(), Comment: '' };
}

/**
 * Gorse routes decode %2F before matching, so an id with a slash could be stored but never
 * deleted or queried: refuse it up front (Glimpse's ids are UUIDs).
 */
function addressable(id: string): string {
  if (id === '' || id.includes('/')) throw new RangeError(`Gorse cannot address the id ${JSON.stringify(id)}: ids must be non-empty and contain no "/"`);
  return id;
}

function parseBaseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`GORSE_URL must be an http(s) URL such as http://127.0.0.1:8088, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`GORSE_URL must use http or https, got ${JSON.stringify(url)}`);
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed;
}

function describe(cause: unknown, timeoutMs: number): string {
  if (cause instanceof DOMException && cause.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const inner = (cause as { cause?: { code?: string; message?: string } }).cause;
  if (inner?.code) return `${inner.code}${inner.message ? ` (${inner.message})` : ''}`;
  return cause instanceof Error ? cause.message : String(cause);
}

function chunks<T>(values: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
  return result;
}

async function forEachLimited<T>(values: T[], limit: number, work: (value: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < values.length) await work(values[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
}
