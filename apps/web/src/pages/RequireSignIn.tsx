import { useEffect, type ReactNode } from 'react';
import { useSession } from '../api/use-session';
import { navigate, signInHref } from '../router/router';

/** Pages for signed-in users only: others are sent to sign in, and come back here afterwards. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const current = useSession();
  useEffect(() => {
    if (!current) navigate(signInHref(), { replace: true });
  }, [current]);
  return current ? children : null;
}
