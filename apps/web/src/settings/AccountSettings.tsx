import { useMutation, useQuery } from '@tanstack/react-query';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';

/** Your address, whether it is confirmed, and a new confirmation link when it is not. */
export function AccountSettings() {
  const me = useQuery(trpc.auth.me.queryOptions());
  const resend = useMutation(trpc.auth.resendVerification.mutationOptions());
  if (!me.data) return null;
  return (
    <section className="settings-section" aria-labelledby="settings-account">
      <h2 id="settings-account">Account</h2>
      <p>
        {me.data.email} {me.data.emailVerified ? '(confirmed)' : '(not confirmed yet)'}
      </p>
      {!me.data.emailVerified && (
        <p>
          <button type="button" className="button" disabled={resend.isPending || resend.isSuccess} onClick={() => resend.mutate()}>
            Send me a new confirmation link
          </button>
        </p>
      )}
      {resend.isSuccess && <Notice message={resend.data.message} />}
      {resend.error && <Notice tone="error" message={describeProblem(resend.error).message} />}
    </section>
  );
}
