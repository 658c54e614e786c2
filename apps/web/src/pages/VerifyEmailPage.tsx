import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { session } from '../api/session';
import { useSession } from '../api/use-session';
import { Notice } from '../components/Notice';

/** Where the confirmation email's link lands: confirms the address as soon as the page opens. */
export function VerifyEmailPage({ token }: { token?: string }) {
  const current = useSession();
  const verify = useMutation(
    trpc.auth.verifyEmail.mutationOptions({
      onSuccess: ({ user }) => {
        const signedIn = session.current();
        if (signedIn && signedIn.user.id === user.id) session.start({ ...signedIn, user });
      },
    }),
  );
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  // Once per page: the link is single use, so a second call (React's development double effect) would fail it.
  const sent = useRef(false);
  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      verify.mutate({ token });
    }
  }, [token, verify]);

  return (
    <section className="page page-auth">
      <h1>Confirm your email address</h1>
      {!token && <Notice tone="error" message="This link has no token. Open the link from your email again, or copy all of it." />}
      {verify.isPending && <Notice message="Confirming…" />}
      {verify.isSuccess && <Notice message={`Thank you: ${verify.data.user.email} is confirmed.`} />}
      {verify.error && <Notice tone="error" message={describeProblem(verify.error).message} />}
      {verify.error && current && !current.user.emailVerified && (
        <p>
          <button type="button" className="button" disabled={resend.isPending || resend.isSuccess} onClick={() => resend.mutate()}>
            Send me a new link
          </button>
        </p>
      )}
      {resend.isSuccess && <Notice message={resend.data.message} />}
      {resend.error && <Notice tone="error" message={describeProblem(resend.error).message} />}
      <p className="auth-switch">
        <Link to="/">Go to the feed</Link>
      </p>
    </section>
  );
}
