import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TokenVerifier, Viewer } from '@glimpse/access-tokens';
import { GlimpseError, isGlimpseError } from '@glimpse/errors';
import type { Logger } from '@glimpse/logging';
import { TRPCError, type TRPCDefaultErrorShape } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { TRPC_ERROR_CODES_BY_KEY, type TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import type { ServerResponse } from 'node:http';
import { clientAddressOf } from './client-address';

/** A client's own request id is kept (to correlate its logs with ours) only when it looks like one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What every procedure of every service knows about the request. */
export interface RequestContext {
  /** The signed-in user, or null for an anonymous request. */
  viewer: Viewer | null;
  requestId: string;
  clientIp: string;
  logger: Logger;
}

export interface ProtectedContext extends RequestContext {
  viewer: Viewer;
}

/** Reads the bearer token (if any) and request identity. An invalid token is refused, not ignored. */
export async function readRequestContext(req: IncomingMessage, verifier: TokenVerifier, logger: Logger): Promise<RequestContext> {
  const offered = headerValue(req, 'x-request-id');
  const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
  const clientIp = clientAddressOf(req);
  const authorization = headerValue(req, 'authorization');
  let viewer: Viewer | null = null;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'The Authorization header must be "Bearer <access token>".' });
    try {
      viewer = await verifier.verify(match[1]!);
    } catch (error) {
      throw new TRPCError({ code: 'UNAUTHORIZED', message: error instanceof Error ? error.message : 'Invalid access token.' });
    }
  }
  return { viewer, requestId, clientIp, logger: logger.child({ requestId }) };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Turns a domain error into the tRPC error a client sees; anything else passes through. */
export function toApiError(error: unknown): unknown {
  if (isGlimpseError(error)) return new TRPCError({ code: error.apiCode, message: error.message, cause: error });
  if (error instanceof TRPCError && isGlimpseError(error.cause)) return toApiError(error.cause);
  const vanished = missingReference(error instanceof TRPCError ? error.cause : error);
  if (vanished) return toApiError(vanished);
  return error;
}

/**
 * A write that points at a row that is gone (PostgreSQL's foreign-key violation, 23503):
 * the signed-in account was deleted after its token was issued, or the image was deleted
 * meanwhile. The client hears which, not a 500.
 */
function missingReference(error: unknown): GlimpseError | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  if (code !== '23503') return undefined;
  const name = typeof constraint === 'string' ? constraint : '';
  if (/user_id|owner_id/.test(name)) return new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');
  if (/image_id/.test(name)) return new GlimpseError('IMAGE_NOT_FOUND', 'That image no longer exists.', 'imageId');
  return undefined;
}

/**
 * The middleware every service's base procedure uses: domain errors become tRPC codes
 * at this edge and nowhere else.
 */
export async function mapDomainErrors<R extends { ok: boolean; error?: unknown }>(opts: { next: () => Promise<R> }): Promise<R> {
  const result = await opts.next();
  if (!result.ok) {
    const mapped = toApiError(result.error);
    if (mapped !== result.error) throw mapped;
  }
  return result;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) throw new GlimpseError('NOT_SIGNED_IN', 'Sign in first: this needs an access token in the Authorization header.');
  return viewer;
}

interface Issue {
  path?: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

/**
 * Clients get a message a person can act on, the failing field for bad input, and never
 * a stack trace. Unexpected errors are logged in full and reported by request id only.
 */
export function formatApiError({ shape, error, ctx }: { shape: TRPCDefaultErrorShape; error: TRPCError; ctx?: RequestContext }) {
  const issues = (error.cause as { issues?: Issue[] } | undefined)?.issues;
  let message = error.message;
  let field: string | undefined = isGlimpseError(error.cause) ? error.cause.field : undefined;
  let fieldErrors: Record<string, string> | undefined = field ? { [field]: message.replace(`${field}: `, '') } : undefined;
  if (error.code === 'BAD_REQUEST' && Array.isArray(issues) && issues.length > 0) {
    const describe = (issue: Issue) => {
      const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    };
    message = issues.map(describe).join('; ');
    fieldErrors = {};
    for (const issue of issues) {
      const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.') || 'input';
      fieldErrors[path] ??= issue.message;
    }
    field = (issues[0]!.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.') || undefined;
  }
  if (error.cause instanceof SyntaxError || error.cause?.cause instanceof SyntaxError) {
    message = 'input: the request is not valid JSON; send the procedure\'s input as a JSON object.';
    field = 'input';
  }
  if (error.code === 'PAYLOAD_TOO_LARGE' && message === 'PAYLOAD_TOO_LARGE') message = 'The request body is larger than this endpoint accepts.';
  if (error.code === 'INTERNAL_SERVER_ERROR') {
    ctx?.logger.error({ err: error.cause ?? error }, 'unexpected error');
    message = `Something went wrong on our side (request ${ctx?.requestId ?? 'unknown'}); it has been logged.`;
  }
  const { stack: _stack, ...data } = shape.data;
  const retryAfter = error.code === 'TOO_MANY_REQUESTS' ? retryAfterOf(error) : undefined;
  return { ...shape, message, data: { ...data, field, fieldErrors, retryAfter, requestId: ctx?.requestId } };
}

/** Seconds until a TOO_MANY_REQUESTS error may be retried (1 when the error does not say). */
export function retryAfterOf(error: unknown): number {
  const seconds = (error as { cause?: { retryAfterSeconds?: unknown } } | undefined)?.cause?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.ceil(seconds) : 1;
}

/**
 * A 429 in tRPC's error shape with `Retry-After`: what every client reads, whether the limit
 * was the service's own or the ingress's (Traefik's errors middleware fetches this answer
 * for its rate limits, see `/_glimpse/too-many-requests` in server.ts).
 */
export function sendTooManyRequests(res: ServerResponse, message: string, retryAfterSeconds: number) {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.writeHead(429, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY.TOO_MANY_REQUESTS, data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, retryAfter: retryAfterSeconds } } }));
}

/**
 * Answers in tRPC's error shape without running a procedure: for refusals that must
 * happen before the body is read (an upload whose declared size is over the limit).
 */
export function sendApiError(res: ServerResponse, code: TRPC_ERROR_CODE_KEY, httpStatus: number, message: string, extra: Record<string, unknown> = {}) {
  res.writeHead(httpStatus, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(JSON.stringify({ error: { message, code: TRPC_ERROR_CODES_BY_KEY[code], data: { code, httpStatus, ...extra } } }));
}

/**
 * Answers a procedure served by its own route (a multipart upload read as a stream) exactly
 * as tRPC answers its own: the error mapped at this edge, the same formatter, status and shape.
 */
export function sendProcedureError(res: ServerResponse, error: unknown, path: string, request?: RequestContext) {
  const mapped = toApiError(error);
  const trpcError = mapped instanceof TRPCError ? mapped : new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: mapped });
  const httpStatus = getHTTPStatusCodeFromError(trpcError);
  const shape: TRPCDefaultErrorShape = {
    message: trpcError.message,
    code: TRPC_ERROR_CODES_BY_KEY[trpcError.code],
    data: { code: trpcError.code, httpStatus, path },
  };
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
  if (trpcError.code === 'TOO_MANY_REQUESTS') headers['Retry-After'] = String(retryAfterOf(trpcError));
  res.writeHead(httpStatus, headers);
  res.end(JSON.stringify({ error: formatApiError({ shape, error: trpcError, ctx: request }) }));
}
