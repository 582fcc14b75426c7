import { useState } from 'react';
import { setNewPassword, signIn } from '../api';
import { ErrorNotice, Field } from '../components';

/** Sign-in with email and password (Cognito SRP); invited members choose their own password at first sign-in. */
export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPasswordText] = useState('');
  const [challenge, setChallenge] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = challenge ? await setNewPassword(email, newPassword) : await signIn(email, password);
      if (!result.done) setChallenge(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to the Business Portal</h1>
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={error} />
        {!challenge ? (
          <>
            <Field label="Email">
              {(input) => (
                <input
                  {...input}
                  type="email"
                  autoComplete="username"
                  required
                  value={email}
                  onChange={(event) => setEmail(event.target.value)}
                />
              )}
            </Field>
            <Field label="Password">
              {(input) => (
                <input
                  {...input}
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onChange={(event) => setPassword(event.target.value)}
                />
              )}
            </Field>
          </>
        ) : (
          <Field
            label="Choose your password"
            hint="You signed in with a temporary password. At least 8 characters with upper and lower case letters, a number and a symbol."
          >
            {(input) => (
              <input
                {...input}
                type="password"
                autoComplete="new-password"
                required
                value={newPassword}
                onChange={(event) => setNewPasswordText(event.target.value)}
              />
            )}
          </Field>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : challenge ? 'Set password and sign in' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
