import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from './server';

export interface AnonymousReadCacheOptions {
  /** Procedures whose anonymous answers may be reused, e.g. `['latest', 'popular', 'image']`. */
  procedures: readonly string[];
  /**
   * How long an answer is reused. Everyone but the acting user may see a change this much
   * later (the acting user is signed in, and signed-in reads are never cached); at most 1 s.
   */
  ttlMs: number;
  /** Answers kept at most (oldest dropped first). Default 1,000. */
  maxEntries?: number;
}

interface Entry {
  body: Buffer;
  contentType: string;
  expires: number;
}

/**
 * Hot anonymous reads answered from memory: the first page of the newest images, a popular
 * image's card. The same question from anyone without a token has the same answer, so for
 * `ttlMs` it is served as it was last computed, without a query, a tRPC request or a
 * context. Exact where it has to be: a request that carries a token or a cookie is never
 * served from here nor stored, so the viewer who made a change reads it at once, and
 * everyone else within `ttlMs`. Only 200 answers are kept. Concurrent misses for one
 * question wait for the one computing it rather than all asking the database.
 */
export function createAnonymousReadCache(options: AnonymousReadCacheOptions, prefix: string) {
  if (!(options.ttlMs >= 0 && options.ttlMs <= 1_000)) throw new RangeError(`anonymous read cache: ttlMs must be between 0 and 1000 (a second), got ${options.ttlMs}`);
  const procedures = new Set(options.procedures);
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, Entry>();
  const computing = new Map<string, Promise<void>>();

  const cacheable = (req: IncomingMessage, procedure: string) =>
    options.ttlMs > 0 && req.method === 'GET' && procedures.has(procedure) && !req.headers.authorization && !req.headers.cookie;

  function store(key: string, entry: Entry) {
    if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
    entries.delete(key);
    entries.set(key, entry);
  }

  function send(res: ServerResponse, entry: Entry) {
    res.writeHead(200, { 'Content-Type': entry.contentType, 'Content-Length': entry.body.length });
    res.end(entry.body);
  }

  /** Runs `handler` and keeps what it answered, if it was a 200. */
  function capture(key: string, req: IncomingMessage, res: ServerResponse, handler: RequestHandler): Promise<void> {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') keep(chunk);
      if (res.statusCode === 200) {
        const contentType = String(res.getHeader('content-type') ?? 'application/json');
        store(key, { body: Buffer.concat(chunks), contentType, expires: Date.now() + options.ttlMs });
      }
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
    return Promise.resolve(handler(req, res)).then(() => undefined);
  }

  return {
    /** Answers `req` from memory, or through `handler` (keeping the answer when it may be reused). */
    async handle(req: IncomingMessage, res: ServerResponse, procedure: string, handler: RequestHandler): Promise<unknown> {
      if (!cacheable(req, procedure)) return handler(req, res);
      const key = req.url ?? prefix;
      const cached = entries.get(key);
      if (cached && cached.expires > Date.now()) return send(res, cached);
      const running = computing.get(key);
      if (running) {
        await running;
        const fresh = entries.get(key);
        if (fresh && fresh.expires > Date.now()) return send(res, fresh);
        return handler(req, res);
      }
      const work = capture(key, req, res, handler).finally(() => computing.delete(key));
      computing.set(key, work.catch(() => undefined));
      return work;
    },
  };
}
