import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The web app's refresh token lives in an HttpOnly cookie that script cannot read, scoped
 * to /api/auth, SameSite=Strict (never sent by another site's request), Secure behind TLS.
 * A browser opts in with `X-Glimpse-Refresh: cookie` on sign-up and sign-in; from then on
 * `refresh` and `logout` read the cookie, and answers carry no refresh token in their
 * body, so a script injected into the page can never take the session away with it.
 * Other clients keep sending and receiving the token in the body, as the API describes.
 */
export const REFRESH_COOKIE = 'glimpse_refresh';
export const COOKIE_MODE_HEADER = 'x-glimpse-refresh';

export interface RefreshCookie {
  /** The client asked for the cookie (header), or sent one. */
  readonly wanted: boolean;
  read(): string | undefined;
  set(token: string, maxAgeSeconds: number): void;
  clear(): void;
}

export function refreshCookieOf(req: IncomingMessage, res: ServerResponse): RefreshCookie {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true || /^https$/i.test(String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim());
  const attributes = `Path=/api/auth; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  const read = () => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === REFRESH_COOKIE && value.length) return decodeURIComponent(value.join('='));
    }
    return undefined;
  };
  return {
    wanted: String(req.headers[COOKIE_MODE_HEADER] ?? '').toLowerCase() === 'cookie' || read() !== undefined,
    read,
    set(token, maxAgeSeconds) {
      res.appendHeader('Set-Cookie', `${REFRESH_COOKIE}=${encodeURIComponent(token)}; Max-Age=${maxAgeSeconds}; ${attributes}`);
    },
    clear() {
      res.appendHeader('Set-Cookie', `${REFRESH_COOKIE}=; Max-Age=0; ${attributes}`);
    },
  };
}

/** For callers without HTTP (procedure tests): no cookie, ever. */
export const noRefreshCookie: RefreshCookie = { wanted: false, read: () => undefined, set() {}, clear() {} };
