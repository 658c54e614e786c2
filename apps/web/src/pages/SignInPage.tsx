import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor, type Problem } from '../api/errors';
import { startSession } from '../api/sign-out';
import { auth } from '../api/trpc';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import { Link, navigate, safeNextPath, useLocation } from '../router/router';

export function SignInPage() {
  const { searchParams } = useLocation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      startSession(await auth.login.mutate({ login, password }));
      navigate(safeNextPath(searchParams.get('next')), { replace: true });
    } catch (error) {
      setProblem(describeProblem(error));
      setBusy(false);
    }
  };

  const general = generalProblem(problem, ['login', 'password']);
  return (
    <section className="page page-auth">
      <h1>Sign in</h1>
      {searchParams.has('expired') && <Notice message="Your session has ended. Sign in again to carry on." />}
      <form className="auth-form" onSubmit={onSubmit} noValidate>
        {general && <Notice tone="error" message={general} />}
        <TextField label="Email or username" name="login" autoComplete="username" required value={login} onChange={(event) => setLogin(event.target.value)} error={problemFor(problem, 'login')} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(event) => setPassword(event.target.value)} error={problemFor(problem, 'password')} />
        <button type="submit" className="button button-wide" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="auth-switch">
        New here? <Link to={`/signup${location.search}`}>Create an account</Link>
      </p>
    </section>
  );
}
