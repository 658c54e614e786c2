import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { generalProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { sessionFormState, useSessionStart } from '../api/use-session-start';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import type { SignInSearch } from '../router/paths';

export function SignInPage({ search }: { search: SignInSearch }) {
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');

  const submit = useMutation(trpc.auth.login.mutationOptions({ onSuccess: useSessionStart(search.next) }));
  const { problem, busy } = sessionFormState(submit);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate({ login, password });
  };

  const general = generalProblem(problem, ['login', 'password']);
  return (
    <section className="page page-auth">
      <h1>Sign in</h1>
      {search.expired !== undefined && <Notice message="Your session has ended. Sign in again to carry on." />}
      <form className="auth-form" onSubmit={onSubmit} noValidate>
        {general && <Notice tone="error" message={general} />}
        <TextField label="Email or username" name="login" autoComplete="username" required value={login} onChange={(event) => setLogin(event.target.value)} error={problemFor(problem, 'login')} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} error={problemFor(problem, 'password')} />
        <button type="submit" className="button button-wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-switch">
        <Link to="/forgot-password">Forgot your password?</Link>
      </p>
      <p className="auth-switch">
        New here? <Link to="/signup" search={{ next: search.next }}>Create an account</Link>
      </p>
    </section>
  );
}
