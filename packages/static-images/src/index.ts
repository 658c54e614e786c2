import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { TokenVerifier, Viewer } from '@glimpse/access-tokens';
import type { Database } from '@glimpse/database';
import type { Route } from '@glimpse/http-service';
import type { ImageStatus, UrlSigner, VariantRecord, Visibility } from '@glimpse/images';
import type { Logger } from '@glimpse/logging';
import type { ObjectStorage } from '@glimpse/object-storage';

export const STATIC_PREFIX = '/static/image';

export interface StaticImageDeps {
  db: Database;
  storage: ObjectStorage;
  processedBucket: string;
  signer: UrlSigner;
  verifier: TokenVerifier;
  logger: Logger;
}

// An image id is a UUID: anything else (36 hex digits, say) is a 404 here, never a database error.
const PATH = /^\/static\/image\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/(thumb|medium|large)\.(webp|jpg|jpeg)$/;
const FORMAT_BY_EXTENSION = { webp: 'webp', jpg: 'jpeg', jpeg: 'jpeg' } as const;
const IMMUTABLE = 'public, max-age=31536000, immutable';
const PRIVATE = 'private, max-age=3600';

interface Row {
  owner_id: string;
  visibility: Visibility;
  status: ImageStatus;
  variants: VariantRecord[];
}

/**
 * `GET /static/image/{imageId}/{variant}.{ext}`: variants are immutable once an image is
 * ready, so responses carry a strong ETag and a year-long Cache-Control; Range requests
 * are answered with 206. Unknown, unready, deleted or not-visible images are 404 alike.
 */
export function createStaticImageRoutes(deps: StaticImageDeps): Route[] {
  async function viewerOf(req: IncomingMessage): Promise<Viewer | null> {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return null;
    return deps.verifier.verify(match[1]!).catch(() => null);
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      return res.end('Only GET and HEAD are allowed here.\n');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = PATH.exec(url.pathname);
    if (!match) return notFound(res, 'Expected /static/image/{imageId}/{thumb|medium|large}.{webp|jpg}.');
    const [, imageId, name, extension] = match as unknown as [string, string, VariantRecord['name'], keyof typeof FORMAT_BY_EXTENSION];

    const [row] = await deps.db.query<Row>(
      `SELECT owner_id, visibility, status, variants FROM images WHERE id = $1 AND deleted_at IS NULL`,
      [imageId],
    );
    if (!row || row.status !== 'ready') return notFound(res);
    if (row.visibility === 'private') {
      const signed = deps.signer.isValid(imageId, url.searchParams.get('exp'), url.searchParams.get('sig'));
      if (!signed && (await viewerOf(req))?.id !== row.owner_id) return notFound(res);
    }
    const variant = row.variants.find((v) => v.name === name && v.format === FORMAT_BY_EXTENSION[extension]);
    if (!variant) return notFound(res);

    const headers: Record<string, string | number> = {
      'Content-Type': variant.contentType,
      ETag: variant.etag,
      'Cache-Control': row.visibility === 'private' ? PRIVATE : IMMUTABLE,
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
    const body = await deps.storage.openObject(deps.processedBucket, variant.key, range ?? undefined);
    res.writeHead(range ? 206 : 200, headers);
    await pipeline(body, res).catch((error: unknown) => deps.logger.warn({ err: error, imageId }, 'static: response stream ended early'));
  }

  return [{ prefix: STATIC_PREFIX, handler: handle }];
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
