import type { ReactNode } from 'react';
import { useRequireSignIn } from '../router/session-routes';

/** Pages for signed-in users only: others are sent to sign in, and come back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  return useRequireSignIn() ? children : null;
}
