import { uploadQueue } from '../uploads/upload-queue';
import { queryClient } from './queries';
import { session } from './session';
import { auth } from './trpc';

/** Ends the session here and on the server (revoking the refresh token), and forgets what this user saw. */
export async function signOut() {
  const signedIn = session.current() !== null;
  session.clear();
  uploadQueue.clear();
  void queryClient.resetQueries();
  // The refresh token is in the HttpOnly cookie: the server revokes it and clears the cookie.
  if (signedIn) await auth.logout.mutate({}).catch(() => undefined);
}

/** After signing in or up: start fresh (feeds may now include the user's own non-public images). */
export function startSession(next: Parameters<typeof session.start>[0]) {
  uploadQueue.clear();
  session.start(next);
  void queryClient.resetQueries();
}
