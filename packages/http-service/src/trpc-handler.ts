import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyRouter, inferRouterContext } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createAnonymousReadCache, type AnonymousReadCacheOptions } from './anonymous-read-cache';
import type { RequestHandler } from './server';
import { retryAfterOf, sendApiError } from './trpc-edge';

/** What any procedure but an upload may send: ids, titles, descriptions, tags, cursors. */
export const DEFAULT_BODY_BYTES = 64 * 1024;
/** Deeper than any input of ours; deep nesting only costs parse time and stack. */
export const MAX_JSON_DEPTH = 32;

export interface TrpcHandlerOptions<TRouter extends AnyRouter> {
  router: TRouter;
  /** Where the router is mounted, e.g. `/api/auth`. */
  prefix: string;
  createContext: (req: IncomingMessage, res: ServerResponse) => Promise<inferRouterContext<TRouter>>;
  /** Larger body caps for the procedures that need them (uploads); the rest get DEFAULT_BODY_BYTES. */
  bodyLimits?: Readonly<Record<string, number>>;
  /** Anonymous answers of these queries reused for up to a second (see createAnonymousReadCache). */
  anonymousReadCache?: AnonymousReadCacheOptions;
}

/**
 * A service's tRPC endpoint with the work of one request bounded before any of it runs:
 * one procedure per request (no batches), a body cap per procedure, JSON that parses, at
 * most MAX_JSON_DEPTH levels deep, and no NUL characters in any string (PostgreSQL cannot
 * store them). Refusals are 4xx answers in tRPC's error shape that name the field.
 */
export function createTrpcHandler<TRouter extends AnyRouter>(options: TrpcHandlerOptions<TRouter>): RequestHandler {
  const handlers = new Map<number, RequestHandler>();
  const handlerFor = (maxBodySize: number) => {
    let handler = handlers.get(maxBodySize);
    if (!handler) {
      handler = createHTTPHandler({
        router: options.router,
        basePath: `${options.prefix}/`,
        maxBodySize,
        allowBatching: false,
        createContext: ({ req, res }) => options.createContext(req, res),
        // A client told to slow down also hears when it may try again.
        responseMeta: ({ errors }) => {
          const limited = errors.find((error) => error.code === 'TOO_MANY_REQUESTS');
          return limited ? { headers: { 'Retry-After': String(retryAfterOf(limited)) } } : {};
        },
      });
      handlers.set(maxBodySize, handler);
    }
    return handler;
  };

  const cache = options.anonymousReadCache ? createAnonymousReadCache(options.anonymousReadCache, options.prefix) : undefined;

  return async (req: IncomingMessage, res: ServerResponse) => {
    // The path and query split by hand: a WHATWG URL per request costs more than the rest of these checks.
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
    const procedure = safeDecode((queryAt < 0 ? target : target.slice(0, queryAt)).slice(options.prefix.length + 1));
    if (procedure.includes(',') || query.has('batch')) {
      return badRequest(res, 'input', `Batched calls are not accepted: call one procedure per request (got ${procedure.split(',').length}).`);
    }
    const limit = options.bodyLimits?.[procedure] ?? DEFAULT_BODY_BYTES;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) return tooLarge(res, procedure, declared, limit);

    if (req.method === 'GET') {
      const input = query.get('input');
      const problem = input === null ? undefined : checkJson(input, 'the "input" query parameter');
      if (problem) return badRequest(res, problem.field, problem.message);
    } else if (req.method === 'POST' && !/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
      const body = await readCapped(req, limit);
      if (body === undefined) return tooLarge(res, procedure, limit + 1, limit, () => req.destroy());
      const problem = body === '' ? undefined : checkJson(body, 'the request body');
      if (problem) return badRequest(res, problem.field, problem.message);
      // tRPC reads a string it finds here instead of the (already consumed) stream.
      (req as IncomingMessage & { body?: string }).body = body;
    }
    return cache ? cache.handle(req, res, procedure, handlerFor(limit)) : handlerFor(limit)(req, res);
  };
}

/** The first problem with a JSON input, with the field it is in; undefined when it is fine. */
export function checkJson(text: string, what: string): { field: string; message: string } | undefined {
  const depth = maxDepth(text);
  if (depth > MAX_JSON_DEPTH) return { field: 'input', message: `input: ${what} is nested ${depth} levels deep; at most ${MAX_JSON_DEPTH} are accepted.` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { field: 'input', message: `input: ${what} is not valid JSON; send the procedure's input as a JSON object, e.g. {"imageId": "…"}.` };
  }
  const field = findNul(value, []);
  if (field !== undefined) return { field: field || 'input', message: `${field || 'input'}: must not contain NUL (\\u0000) characters.` };
  return undefined;
}

/** Bracket depth outside strings, in one pass and without building anything. */
function maxDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

/** The dotted path of the first string (value or key) that holds a NUL; '' for the root; undefined when none does. */
function findNul(value: unknown, path: string[]): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (key.includes('\u0000')) return [...path, key.replaceAll('\u0000', '\\u0000')].join('.');
    const found = findNul(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The body as text, or undefined once it passes `limit` bytes (the rest is not read). */
function readCapped(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.off('end', onEnd);
        req.pause();
        resolve(undefined);
      } else chunks.push(chunk);
    };
    const onEnd = () => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', reject);
  });
}

function tooLarge(res: ServerResponse, procedure: string, bytes: number, limit: number, after?: () => void) {
  const size = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(n / 1024)} KB`);
  const message = `input: the request body is ${bytes > limit + 1 ? size(bytes) : `over ${size(limit)}`}; ${procedure || 'this procedure'} accepts at most ${size(limit)}.`;
  if (after) res.once('finish', after);
  sendApiError(res, 'PAYLOAD_TOO_LARGE', 413, message, { field: 'input' });
}

function badRequest(res: ServerResponse, field: string, message: string) {
  sendApiError(res, 'BAD_REQUEST', 400, message, { field, fieldErrors: { [field]: message.replace(`${field}: `, '') } });
}

function safeDecode(path: string) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
