import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';

/** Asks for a password reset link; the answer is the same whether or not the address has an account. */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState('');
  const submit = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const problem = submit.error ? describeProblem(submit.error) : null;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate({ email });
  };
  const general = generalProblem(problem, ['email']);
  return (
    <section className="page page-auth">
      <h1>Forgot your password?</h1>
      {submit.isSuccess ? (
        <Notice message={submit.data.message} />
      ) : (
        <form className="auth-form" onSubmit={onSubmit} noValidate>
          {general && <Notice tone="error" message={general} />}
          <p>Enter the email address of your account, and we will send it a link to choose a new password.</p>
          <TextField label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(event) => setEmail(event.target.value)} error={problemFor(problem, 'email')} />
          <button type="submit" className="button button-wide" disabled={submit.isPending}>
            {submit.isPending ? 'Sending…' : 'Send me a link'}
          </button>
        </form>
      )}
      <p className="auth-switch">
        <Link to="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}
