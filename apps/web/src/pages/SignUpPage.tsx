import { useMutation } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { generalProblem, problemFor } from '../api/errors';
import { trpc } from '../api/queries';
import { sessionFormState, useSessionStart } from '../api/use-session-start';
import { Notice } from '../components/Notice';
import { TextField } from '../components/TextField';
import type { SignInSearch } from '../router/paths';

const FIELDS = ['email', 'username', 'password'] as const;

export function SignUpPage({ search }: { search: SignInSearch }) {
  const [values, setValues] = useState({ email: '', username: '', password: '' });

  const submit = useMutation(trpc.auth.signup.mutationOptions({ onSuccess: useSessionStart(search.next) }));
  const { problem, busy } = sessionFormState(submit);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate(values);
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
        Already have an account? <Link to="/signin" search={{ next: search.next }}>Sign in</Link>
      </p>
    </section>
  );
}
