import { useState } from 'react';
import { type SignInResult, sendCode, setNewPassword, signIn } from '../api';
import { CodeField, ErrorNotice, Field } from '../components';
import { END_MESSAGES, sessionEndReason } from '../session';
import { MfaSetup } from './MfaSetup';

type Step = 'password' | Exclude<SignInResult, { done: true }>['challenge'];

/**
 * Sign-in with email and password (Cognito SRP); invited members choose their own password at first
 * sign-in; members with two-step verification enter a code from their authenticator app, and a pool
 * that requires it for everyone has them set one up here. It stays on the address the member was at:
 * after a forced sign-in they are back on the same page (with their draft, see drafts.ts).
 */
export function SignInPage() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPasswordText] = useState('');
  const [code, setCode] = useState('');
  const [step, setStep] = useState<Step>('password');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  // Why the last session ended (idle, access removed, refresh refused): said once, above the form.
  const [ended] = useState(sessionEndReason);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result =
        step === 'NEW_PASSWORD_REQUIRED'
          ? await setNewPassword(email, newPassword)
          : step === 'SOFTWARE_TOKEN_MFA'
            ? await sendCode(email, code)
            : await signIn(email, password);
      if (!result.done) setStep(result.challenge);
    } catch (caught) {
      setError(caught);
      setCode('');
    } finally {
      setBusy(false);
    }
  }

  if (step === 'MFA_SETUP') return <MfaSetup email={email} reason="during-sign-in" />;

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to the Business Portal</h1>
      {ended && !error && (
        <div className={`notice ${ended === 'removed' ? 'error' : 'info'}`} role="alert">
          {END_MESSAGES[ended]}
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <ErrorNotice error={error} />
        {step === 'password' && (
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
        )}
        {step === 'NEW_PASSWORD_REQUIRED' && (
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
        {step === 'SOFTWARE_TOKEN_MFA' && (
          <CodeField
            label="Code from your authenticator app"
            hint="The 6 digits the app shows for Payouts now."
            value={code}
            onChange={setCode}
            autoFocus
          />
        )}
        <button type="submit" disabled={busy}>
          {busy
            ? 'Signing in…'
            : step === 'NEW_PASSWORD_REQUIRED'
              ? 'Set password and sign in'
              : step === 'SOFTWARE_TOKEN_MFA'
                ? 'Verify and sign in'
                : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
