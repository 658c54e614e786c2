import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { signOut } from '../api/sign-out';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';

/** Where the reset email's link lands: choose a new password; every session ends, this browser's too. */
export function ResetPasswordPage({ token }: { token?: string }) {
  const [password, setPassword] = useState('');
  const submit = useMutation(trpc.auth.resetPassword.mutationOptions({ onSuccess: () => signOut() }));
  const problem = submit.error ? describeProblem(submit.error) : null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (token) submit.mutate({ token, password });
  };
  const general = generalProblem(problem, ['password']);
  return (
    <section className="page page-auth">
      <h1>Choose a new password</h1>
      {!token && <Notice tone="error" message="This link has no token. Open the link from your email again, or copy all of it." />}
      {submit.isSuccess ? (
        <>
          <Notice message={submit.data.message} />
          <p className="auth-switch">
            <Link to="/signin" className="button">
              Sign in
            </Link>
          </p>
        </>
      ) : (
        <form className="auth-form" onSubmit={onSubmit} noValidate>
          {general && <Notice tone="error" message={general} />}
          {problem?.field === 'token' && (
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          )}
          <TextField label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} hint="At least 8 characters." value={password} onChange={(event) => setPassword(event.target.value)} error={problemFor(problem, 'password')} />
          <button type="submit" className="button button-wide" disabled={submit.isPending || !token}>
            {submit.isPending ? 'Saving…' : 'Save the new password'}
          </button>
        </form>
      )}
    </section>
  );
}
