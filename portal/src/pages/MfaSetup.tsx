import { useEffect, useRef, useState } from 'react';
import { ApiError, api, finishTotpSetup, signOut, startTotpSetup } from '../api';
import { CodeField, ErrorNotice, fieldError, Notice } from '../components';

/** The `otpauth://` URI authenticator apps read from the QR code (Google's Key Uri Format). */
const keyUri = (email: string, secret: string) =>
  `otpauth://totp/${encodeURIComponent(`Payouts:${email}`)}?secret=${secret}&issuer=Payouts&algorithm=SHA1&digits=6&period=30`;

/** The QR code as an SVG path: no image URL, no inline markup (the portal's CSP allows neither). */
function QrCode({ text, label }: { text: string; label: string }) {
  const [path, setPath] = useState<{ d: string; size: number }>();
  useEffect(() => {
    // The QR library loads with this page only.
    void import('qrcode-generator').then(({ default: qrcode }) => {
      const qr = qrcode(0, 'M');
      qr.addData(text);
      qr.make();
      const count = qr.getModuleCount();
      let d = '';
      for (let row = 0; row < count; row++)
        for (let col = 0; col < count; col++) if (qr.isDark(row, col)) d += `M${col + 4},${row + 4}h1v1h-1z`;
      setPath({ d, size: count + 8 });
    });
  }, [text]);
  if (!path) return null;
  return (
    <svg
      className="qr-code"
      viewBox={`0 0 ${path.size} ${path.size}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

/** The secret in groups of four, as authenticator apps show typed keys. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

/**
 * Setting up an authenticator app (TOTP): a QR code and the key to type, then a code from the app.
 * `during-sign-in`: the user pool asked for it (MFA_SETUP); otherwise the signed-in member sets it
 * up because their role (or the tenant) requires it, or because they choose to. Either way the
 * platform records it, and the member signs in once more with a code: only sessions signed in with
 * a code count (D53).
 */
export function MfaSetup(props: { email: string; reason: 'required' | 'chosen' | 'during-sign-in' }) {
  const [secret, setSecret] = useState<string>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    document.title = 'Set up two-step verification · Payouts';
    heading.current?.focus();
    startTotpSetup().then(setSecret, setError);
  }, []);

  async function verify(event: React.FormEvent) {
    event.preventDefault();
    if (!/^\d{6}$/.test(code.trim())) {
      setError(new ApiError(400, 'invalid_code', 'Enter the 6 digits your authenticator app shows.', 'code'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await finishTotpSetup(props.email, code);
      await api('/me/mfa', { method: 'POST' });
      setDone(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  // On its own (signing in, or required first) it is the page; chosen, it is a page of the portal.
  const Page = props.reason === 'chosen' ? 'section' : 'main';
  const pageProps =
    props.reason === 'chosen' ? { className: 'sign-in' } : { className: 'sign-in', id: 'main' };

  if (done) {
    return (
      <Page {...pageProps}>
        <h1 ref={heading} tabIndex={-1}>
          Two-step verification is on
        </h1>
        <Notice>From now on you sign in with your password and a code from your authenticator app.</Notice>
        <p>Sign in once more, with a code, to continue.</p>
        <button type="button" onClick={signOut}>
          Sign in again
        </button>
      </Page>
    );
  }

  return (
    <Page {...pageProps}>
      <h1 ref={heading} tabIndex={-1}>
        Set up two-step verification
      </h1>
      <p>
        {props.reason === 'chosen'
          ? 'Protect your sign-in with a code from an authenticator app on your phone.'
          : 'Your role approves payouts or administers the team, so every sign-in needs a code from an authenticator app on your phone as well as your password.'}
      </p>
      {!secret ? (
        error ? (
          <ErrorNotice error={error} />
        ) : (
          <p role="status">Preparing your key…</p>
        )
      ) : (
        <form onSubmit={verify} noValidate>
          <ol className="steps">
            <li>
              Open an authenticator app (Google Authenticator, Microsoft Authenticator, 1Password…) and scan
              this code:
              <QrCode text={keyUri(props.email, secret)} label="QR code of your authenticator key" />
            </li>
            <li>
              Cannot scan it? Add the key by hand (time-based, 6 digits):{' '}
              <code className="secret-key" data-testid="totp-secret">
                {grouped(secret)}
              </code>
            </li>
            <li>Enter the 6-digit code the app shows for Payouts.</li>
          </ol>
          <ErrorNotice error={error instanceof ApiError && error.param === 'code' ? undefined : error} />
          <CodeField
            label="Code from the app"
            error={fieldError(error, 'code')}
            value={code}
            onChange={setCode}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Turn on two-step verification'}
          </button>
          {props.reason !== 'chosen' && (
            <button type="button" className="secondary" onClick={signOut}>
              Sign out
            </button>
          )}
        </form>
      )}
    </Page>
  );
}

/** A member who set up an authenticator but whose session was signed in without a code. */
export function SignInWithCode() {
  return (
    <main className="sign-in" id="main">
      <h1>Sign in with a code</h1>
      <p>
        Your role needs two-step verification, and this session was signed in without a code. Sign in again:
        after your password, enter the code from your authenticator app.
      </p>
      <button type="button" onClick={signOut}>
        Sign in again
      </button>
    </main>
  );
}
