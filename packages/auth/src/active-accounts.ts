import type { TokenVerifier } from '@glimpse/access-tokens';
import type { Queryable } from '@glimpse/database';
import { GlimpseError } from '@glimpse/errors';

const MAX_CACHED = 10_000;

/**
 * Access tokens are verified locally and live up to 15 minutes; this makes a disabled or
 * deleted account's token stop working within `cacheMs` in every service that uses the
 * verifier: after the signature, the account's state is read (once per account per
 * `cacheMs`, from the primary, so a replica's lag cannot hide a fresh change).
 */
export function rejectInactiveAccounts(verifier: TokenVerifier, db: Queryable, cacheMs = 5_000): TokenVerifier {
  const states = new Map<string, { state: 'active' | 'disabled' | 'deleted'; at: number }>();
  return {
    async verify(token) {
      const viewer = await verifier.verify(token);
      const now = Date.now();
      let entry = states.get(viewer.id);
      if (!entry || now - entry.at > cacheMs) {
        const [row] = await db.query<{ disabled: boolean }>('SELECT disabled_at IS NOT NULL AS disabled FROM users WHERE id = $1', [viewer.id]);
        entry = { state: row === undefined ? 'deleted' : row.disabled ? 'disabled' : 'active', at: now };
        if (states.size >= MAX_CACHED) states.clear();
        states.set(viewer.id, entry);
      }
      if (entry.state === 'deleted') throw new GlimpseError('INVALID_TOKEN', 'Your account no longer exists; sign in again.');
      if (entry.state === 'disabled') throw new GlimpseError('INVALID_TOKEN', 'This account is disabled, so its sessions have ended.');
      return viewer;
    },
  };
}
