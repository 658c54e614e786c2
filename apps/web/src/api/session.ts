import type { User } from '@glimpse/auth';

/**
 * Who is signed in on this browser, kept in localStorage so it survives reloads and is
 * shared by tabs: the user and a short-lived access token. The refresh token is not here:
 * it lives in an HttpOnly cookie the server sets, out of reach of any script on the page.
 */
export interface Session {
  user: User;
  accessToken: string;
}

const STORAGE_KEY = 'glimpse.session';
const REFRESH_LOCK = 'glimpse.refresh';

type Listener = () => void;
const listeners = new Set<Listener>();
const expiredListeners = new Set<Listener>();
let current: Session | null = readStored();
let refreshing: Promise<boolean> | undefined;

function readStored(): Session | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return parsed?.user && parsed.accessToken ? { user: parsed.user, accessToken: parsed.accessToken } : null;
  } catch {
    return null;
  }
}

function publish(next: Session | null) {
  current = next;
  for (const listener of listeners) listener();
}

// Another tab signed in, out, or rotated the tokens: follow it.
window.addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY || event.key === null) publish(readStored());
});

export const session = {
  current: (): Session | null => current,

  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },

  /** Called when the session ended because its tokens could not be renewed. */
  onExpired(listener: Listener): () => void {
    expiredListeners.add(listener);
    return () => expiredListeners.delete(listener);
  },

  start(next: Session) {
    const kept: Session = { user: next.user, accessToken: next.accessToken };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(kept));
    publish(kept);
  },

  clear() {
    localStorage.removeItem(STORAGE_KEY);
    publish(null);
  },

  /**
   * Renews the access token after `rejectedToken` was refused. Refresh tokens rotate and a
   * reused one revokes the whole family, so only one refresh may run at a time: in this tab
   * (a shared promise) and across tabs (a Web Lock, then re-reading storage in case another
   * tab already rotated). Resolves true when the call should be retried with the current token.
   */
  renewAfterRejection(rejectedToken: string | null): Promise<boolean> {
    refreshing ??= withRefreshLock(() => renew(rejectedToken)).finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  },
};

async function renew(rejectedToken: string | null): Promise<boolean> {
  const stored = readStored();
  if (!stored) {
    // Signed out in another tab meanwhile: retry without a token (public calls still work).
    publish(null);
    return true;
  }
  if (stored.accessToken !== rejectedToken) {
    publish(stored);
    return true;
  }
  const outcome = await requestRefresh();
  if (outcome === 'unavailable') return false;
  if (outcome === 'refused') {
    session.clear();
    for (const listener of expiredListeners) listener();
    return false;
  }
  session.start({ user: outcome.user, accessToken: outcome.accessToken });
  return true;
}

/** Plain fetch rather than the tRPC client, so a refresh can never trigger another refresh. The cookie carries the refresh token. */
async function requestRefresh(): Promise<Session | 'refused' | 'unavailable'> {
  let response: Response;
  try {
    response = await fetch('/api/auth/refresh', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-Glimpse-Refresh': 'cookie' },
      body: '{}',
    });
  } catch {
    return 'unavailable';
  }
  if (response.status >= 500 || response.status === 429) return 'unavailable';
  const body = (await response.json().catch(() => null)) as { result?: { data?: Session } } | null;
  return body?.result?.data ?? 'refused';
}

async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? await locks.request(REFRESH_LOCK, work) : work();
}
