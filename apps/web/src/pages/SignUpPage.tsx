import { useState, type FormEvent } from 'react';
import { describeProblem, generalProblem, problemFor, type Problem } from '../api/errors';
import { startSession } from '../api/sign-out';
import { auth } from '../api/trpc';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import { Link, navigate, safeNextPath, useLocation } from '../router/router';

const FIELDS = ['email', 'username', 'password'] as const;

export function SignUpPage() {
  const { searchParams } = useLocation();
  const [values, setValues] = useState({ email: '', username: '', password: '' });
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      startSession(await auth.signup.mutate(values));
      navigate(safeNextPath(searchParams.get('next')), { replace: true });
    } catch (error) {
      setProblem(describeProblem(error));
      setBusy(false);
    }
  };

  const bind = (field: (typeof FIELDS)[number]) => ({
    name: field,
    value: values[field],
    onChange: (event: { target: { value: string } }) => setValues((previous) => ({ ...previous, [field]: event.target.value })),
    error: problemFor(problem, field),
  });

  const general = generalProblem(problem, FIELDS);
  return (
    <section className="page page-auth">
      <h1>Create your account</h1>
      <form className="auth-form" onSubmit={onSubmit} noValidate>
        {general && <Notice tone="error" message={general} />}
        <TextField label="Email" type="email" autoComplete="email" required {...bind('email')} />
        <TextField label="Username" autoComplete="username" required hint="3 to 30 letters, digits or underscores." {...bind('username')} />
        <TextField label="Password" type="password" autoComplete="new-password" required minLength={8} hint="At least 8 characters." {...bind('password')} />
        <button type="submit" className="button button-wide" disabled={busy}>
          {busy ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="auth-switch">
        Already have an account? <Link to={`/signin${location.search}`}>Sign in</Link>
      </p>
    </section>
  );
}
