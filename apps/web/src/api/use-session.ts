import { useSyncExternalStore } from 'react';
import { session, type Session } from './session';

/** The signed-in session, or null; re-renders on sign-in, sign-out and token rotation. */
export function useSession(): Session | null {
  return useSyncExternalStore(session.subscribe, session.current);
}
