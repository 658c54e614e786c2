import { uploadQueue } from '../uploads/upload-queue';
import { queryClient } from './queries';
import { session } from './session';
import { auth } from './trpc';

/** Ends the session here and on the server (revoking the refresh token), and forgets what this user saw. */
export async function signOut() {
  const signedIn = session.current() !== null;
  // The refresh token is in the HttpOnly cookie: the server revokes it and clears the cookie
  // before this tab shows the user signed out (closing it at once must not leave the token).
  // Should the server not answer, the session here ends all the same.
  if (signedIn) await auth.logout.mutate({}).catch(() => undefined);
  session.clear();
  uploadQueue.clear();
  void queryClient.resetQueries();
}

/** After signing in or up: start fresh (feeds may now include the user's own non-public images). */
export function startSession(next: Parameters<typeof session.start>[0]) {
  uploadQueue.clear();
  session.start(next);
  void queryClient.resetQueries();
}
