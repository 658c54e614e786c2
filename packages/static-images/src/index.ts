import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { TokenVerifier, Viewer } from '@glimpse/access-tokens';
import type { Database } from '@glimpse/database';
import type { Route } from '@glimpse/http-service';
import { VARIANT_EXTENSION, VARIANT_NAMES, isVisible, staticImagePath, type UrlSigner, type VariantFormat, type VariantRecord } from '@glimpse/images';
import type { Logger } from '@glimpse/logging';
import { ObjectNotFoundError, type ObjectStorage } from '@glimpse/object-storage';
import { createImageFactsReader } from './image-facts';
import { createVariantBytesCache } from './variant-bytes';

export const STATIC_PREFIX = '/static/image';

export interface StaticImageDeps {
  db: Database;
  storage: ObjectStorage;
  processedBucket: string;
  signer: UrlSigner;
  verifier: TokenVerifier;
  logger: Logger;
  /** Variants up to `maxEntryBytes` are kept in memory, `maxBytes` in all (defaults 64 MiB, 512 KiB). */
  variantCache?: { maxBytes: number; maxEntryBytes: number };
}

// An image id is a UUID: anything else (36 hex digits, say) is a 404 here, never a database error.
const FORMAT_BY_EXTENSION: Record<string, VariantFormat> = {
  ...Object.fromEntries(Object.entries(VARIANT_EXTENSION).map(([format, extension]) => [extension, format as VariantFormat])),
  jpeg: 'jpeg',
};
const PATH = new RegExp(
  `^/static/image/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/(?:v([1-9][0-9]{0,8})/)?(${VARIANT_NAMES.join('|')})\\.(${Object.keys(FORMAT_BY_EXTENSION).join('|')})$`,
);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const PRIVATE = 'private, max-age=3600';
/** An older version's URL points to the current one, and no cache may keep that answer. */
const NOT_CACHED = 'no-store';
const DEFAULT_VARIANT_CACHE = { maxBytes: 64 * 1024 * 1024, maxEntryBytes: 512 * 1024 };

/**
 * `GET /static/image/{imageId}/{variant}.{ext}` (version 0, as uploaded) and
 * `GET /static/image/{imageId}/v{n}/{variant}.{ext}` (after edits): a version's variants
 * never change, so responses carry a strong ETag and a year-long Cache-Control; Range
 * requests are answered with 206. Unknown, unready, deleted or not-visible images are 404
 * alike. An older version's URL answers 302 to the current one, uncached: the bytes under a
 * URL are only ever one rendering's, so an immutable cache is never stale.
 *
 * Every answer follows the database as it stands after the request arrived (see
 * `createImageFactsReader`: concurrent requests share one query), so a visibility change or
 * delete is honoured by the very next request on every replica. A matching If-None-Match is
 * answered before any object storage I/O, and small variants are served from memory.
 */
export function createStaticImageRoutes(deps: StaticImageDeps): Route[] {
  const primary = createImageFactsReader(deps.db);
  const replica = deps.db.replica === deps.db ? primary : createImageFactsReader(deps.db.replica);
  const cache = createVariantBytesCache(deps.variantCache ?? DEFAULT_VARIANT_CACHE);

  async function viewerOf(req: IncomingMessage): Promise<Viewer | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return null;
    return deps.verifier.verify(match[1]!).catch(() => null);
  }

  /** The variant's bytes from memory, or read once from storage and kept when small. */
  async function smallVariant(variant: VariantRecord): Promise<Buffer> {
    const cached = cache.get(variant.key, variant.etag);
    if (cached) return cached;
    const bytes = await deps.storage.getObject(deps.processedBucket, variant.key);
    if (bytes.length !== variant.bytes) throw new Error(`object ${variant.key} holds ${bytes.length} bytes, its image row says ${variant.bytes}`);
    cache.set(variant.key, variant.etag, bytes);
    return bytes;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      return res.end('Only GET and HEAD are allowed here.\n');
    }
    const target = req.url ?? '/';
    const queryAt = target.indexOf('?');
    const match = PATH.exec(queryAt < 0 ? target : target.slice(0, queryAt));
    if (!match) return notFound(res, 'Expected /static/image/{imageId}/{thumb|medium|large}.{webp|jpg}, or /static/image/{imageId}/v{n}/… after edits.');
    const [, imageId, versionText, name, extension] = match as unknown as [string, string, string | undefined, VariantRecord['name'], string];
    const version = versionText ? Number(versionText) : 0;

    // A request without a token reads the replica; one it does not show as ready yet at this
    // version (just processed or edited, the replica a moment behind) is asked of the primary before it is a 404.
    const fromReplica = req.headers.authorization || replica === primary ? undefined : await replica.read(imageId);
    const row = fromReplica?.status === 'ready' && fromReplica.version >= version ? fromReplica : await primary.read(imageId);
    if (!row || row.status !== 'ready' || row.version < version) return notFound(res);
    // The one visibility rule for a link; a private image also opens with a signed URL (what its owner's pages embed).
    if (!isVisible(row, null, 'link')) {
      const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
      const signed = deps.signer.isValid(imageId, query.get('exp'), query.get('sig'));
      if (!signed && !isVisible(row, (await viewerOf(req))?.id ?? null, 'link')) return notFound(res);
    }
    const format = FORMAT_BY_EXTENSION[extension];
    const current = (at: number) => staticImagePath(imageId, name, format!, at) + (queryAt < 0 ? '' : target.slice(queryAt));
    if (row.version > version) return redirect(res, current(row.version));
    const variant = row.variants.find((v) => v.name === name && v.format === format);
    if (!variant) return notFound(res);
    try {
      await serve(req, res, variant, row.visibility === 'private');
    } catch (error) {
      // Edited meanwhile: the old version's objects went after this request read the row.
      if (!(error instanceof ObjectNotFoundError) || res.headersSent) throw error;
      const fresh = await primary.read(imageId);
      if (fresh?.status === 'ready' && fresh.version > version) return redirect(res, current(fresh.version));
      throw error;
    }
  }

  async function serve(req: IncomingMessage, res: ServerResponse, variant: VariantRecord, isPrivate: boolean) {
    const headers: Record<string, string | number> = {
      'Content-Type': variant.contentType,
      ETag: variant.etag,
      'Cache-Control': isPrivate ? PRIVATE : IMMUTABLE,
      'Accept-Ranges': 'bytes',
      'Cross-Origin-Resource-Policy': 'same-site',
    };
    if (matchesEtag(req.headers['if-none-match'], variant.etag)) {
      res.writeHead(304, headers);
      return res.end();
    }

    const range = parseRange(req.headers.range, variant.bytes, headerText(req.headers['if-range']), variant.etag);
    if (range === 'unsatisfiable') {
      res.writeHead(416, { ...headers, 'Content-Range': `bytes */${variant.bytes}` });
      return res.end();
    }
    if (range) {
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${variant.bytes}`;
      headers['Content-Length'] = range.end - range.start + 1;
    } else headers['Content-Length'] = variant.bytes;

    if (req.method === 'HEAD') {
      res.writeHead(range ? 206 : 200, headers);
      return res.end();
    }
    if (variant.bytes <= cache.maxEntryBytes) {
      const bytes = await smallVariant(variant);
      res.writeHead(range ? 206 : 200, headers);
      return res.end(range ? bytes.subarray(range.start, range.end + 1) : bytes);
    }
    const body = await deps.storage.openObject(deps.processedBucket, variant.key, range ?? undefined);
    res.writeHead(range ? 206 : 200, headers);
    await pipeline(body, res).catch((error: unknown) => deps.logger.warn({ err: error, key: variant.key }, 'static: response stream ended early'));
  }

  return [{ prefix: STATIC_PREFIX, handler: handle }];
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { Location: location, 'Cache-Control': NOT_CACHED, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`This image was edited; its current rendering is at ${location}\n`);
}

function notFound(res: ServerResponse, message = 'No such image, or it is not visible to you.') {
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${message}\n`);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });
}

/** A single `bytes=` range; multiple ranges are answered with the whole object. */
export function parseRange(header: string | undefined, size: number, ifRange?: string, etag?: string) {
  if (!header || (ifRange && ifRange !== etag)) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable' as const;
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable' as const;
  return { start, end };
}

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
