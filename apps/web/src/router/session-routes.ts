import { useRouter } from '@tanstack/react-router';
import { useEffect } from 'react';
import { queryClient } from '../api/queries';
import { session } from '../api/session';
import { useSession } from '../api/use-session';
import { uploadQueue } from '../uploads/upload-queue';
import { signInSearch } from './paths';

/** When the session can no longer be renewed, ask to sign in again and come back here. */
export function useSignInWhenSessionEnds() {
  const router = useRouter();
  useEffect(
    () =>
      session.onExpired(() => {
        uploadQueue.clear();
        const back = router.latestLocation.href;
        void router.navigate({ to: '/signin', search: signInSearch(back, true) }).then(() => queryClient.resetQueries());
      }),
    [router],
  );
}

/** For pages of signed-in users only: true when signed in; otherwise sends to sign in, to come back here afterwards. */
export function useRequireSignIn(): boolean {
  const signedIn = useSession() !== null;
  const router = useRouter();
  useEffect(() => {
    const here = router.latestLocation;
    // Already on the way there (the session-expired handler adds its own note).
    if (signedIn || here.pathname === '/signin') return;
    void router.navigate({ to: '/signin', search: signInSearch(here.href), replace: true });
  }, [signedIn, router]);
  return signedIn;
}
