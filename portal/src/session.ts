import { useEffect, useState } from 'react';

/**
 * The member's session, shared by every tab of the portal's origin (D-number in docs/architecture.md):
 * kept in localStorage, so a payout opened in a new tab needs no second sign-in, a refresh made by one
 * tab serves them all, and a sign-out in one tab signs out all of them (the `storage` event). Tokens
 * travel as a bearer header: no cookies, so no CSRF. This module keeps the record and the clocks;
 * the calls to Cognito (refresh, revoke) are in api.ts.
 */
export interface Session {
  idToken: string;
  /** For Cognito's user operations (two-step setup of a signed-in member). */
  accessToken: string;
  /** Long-lived (12 hours in AWS): gets new ID and access tokens without a password. */
  refreshToken: string;
  /** When the ID token is to be refreshed: a minute before it expires. */
  expiresAt: number;
  email: string;
}

/** Why a session ended without the member signing out: what the sign-in page tells them. */
export type EndReason = 'expired' | 'idle' | 'removed';

export const END_MESSAGES: Record<EndReason, string> = {
  expired: 'Your session has ended: sign in again.',
  idle: 'You were signed out because the portal was not used for a while. Sign in to continue where you were.',
  removed: 'Your access was removed. Ask an admin of your team if you think this is a mistake.',
};

/**
 * Signed out after this long without a click or a key press in any tab of the portal. The one place
 * to change it. A test may shorten it (never lengthen it) with `localStorage['payouts.idle-timeout-ms']`,
 * read when the portal starts.
 */
export const IDLE_TIMEOUT_MS = 30 * 60_000;
/** How long before the idle sign-out the member is warned (half the timeout when it is shorter). */
const IDLE_WARNING_MS = 5 * 60_000;

const SESSION_KEY = 'payouts.session';
const ENDED_KEY = 'payouts.session-ended';
const ACTIVITY_KEY = 'payouts.last-activity';
const IDLE_OVERRIDE_KEY = 'payouts.idle-timeout-ms';
const CHANGED = 'payouts-session';

/** The stored session, whether or not its ID token needs a refresh. */
export function storedSession(): Session | undefined {
  const raw = localStorage.getItem(SESSION_KEY);
  if (!raw) return undefined;
  try {
    const session = JSON.parse(raw) as Partial<Session>;
    return session.idToken && session.refreshToken ? (session as Session) : undefined;
  } catch {
    return undefined;
  }
}

/** The session while its ID token is good to send; otherwise undefined (refresh it first). */
export function currentSession(): Session | undefined {
  const session = storedSession();
  return session && session.expiresAt > Date.now() ? session : undefined;
}

/** Saves a new or refreshed session; a new sign-in also starts the idle clock afresh. */
export function saveSession(session: Session, options: { signedIn?: boolean } = {}): void {
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  if (options.signedIn) {
    localStorage.removeItem(ENDED_KEY);
    recordActivity({ now: true });
  }
  window.dispatchEvent(new Event(CHANGED));
}

/** Ends the session in every tab; `reason` is shown on the sign-in page (none for a sign-out). */
export function endSession(reason?: EndReason): void {
  if (reason) localStorage.setItem(ENDED_KEY, reason);
  else localStorage.removeItem(ENDED_KEY);
  localStorage.removeItem(SESSION_KEY);
  window.dispatchEvent(new Event(CHANGED));
}

/** Why the last session ended, if the member did not sign out themselves. */
export function sessionEndReason(): EndReason | undefined {
  const reason = localStorage.getItem(ENDED_KEY);
  return reason && reason in END_MESSAGES ? (reason as EndReason) : undefined;
}

/** Calls `listener` when the session changes in this tab or another one; returns the unsubscribe. */
export function onSessionChange(listener: () => void): () => void {
  const fromOtherTab = (event: StorageEvent) => {
    if (event.key === SESSION_KEY || event.key === null) listener();
  };
  window.addEventListener(CHANGED, listener);
  window.addEventListener('storage', fromOtherTab);
  return () => {
    window.removeEventListener(CHANGED, listener);
    window.removeEventListener('storage', fromOtherTab);
  };
}

/**
 * Runs `work` while no other tab refreshes: two tabs whose token ran out at once make one refresh,
 * and the second reads its result. Browsers without Web Locks run it as is.
 */
export async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  if (!navigator.locks) return work();
  return navigator.locks.request('payouts.session.refresh', work);
}

/** The idle timeout in force: the constant, or the shorter override a test set before the start. */
export const idleTimeoutMs: number = (() => {
  const override = Number(localStorage.getItem(IDLE_OVERRIDE_KEY));
  return override > 0 && override < IDLE_TIMEOUT_MS ? override : IDLE_TIMEOUT_MS;
})();
export const idleWarningMs = Math.min(IDLE_WARNING_MS, idleTimeoutMs / 2);

/** When a person last clicked or typed in any tab of the portal. */
export function lastActivity(): number {
  return Number(localStorage.getItem(ACTIVITY_KEY)) || Date.now();
}

/** Notes activity for every tab; written at most every few seconds (a click storm is one write). */
export function recordActivity(options: { now?: boolean } = {}): void {
  const every = Math.min(10_000, idleTimeoutMs / 20);
  if (options.now || Date.now() - lastActivity() >= every)
    localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
}

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

/**
 * While signed in: the milliseconds left before the idle sign-out once the warning is due, otherwise
 * undefined; ticks every second. Clicks and key presses in any tab count as activity.
 */
export function useIdleCountdown(): number | undefined {
  const [left, setLeft] = useState<number | undefined>();
  useEffect(() => {
    const active = () => recordActivity();
    for (const name of ACTIVITY_EVENTS)
      window.addEventListener(name, active, { capture: true, passive: true });
    const tick = () => {
      const remaining = lastActivity() + idleTimeoutMs - Date.now();
      setLeft(remaining <= idleWarningMs ? Math.max(0, remaining) : undefined);
    };
    tick();
    const timer = window.setInterval(tick, 1000);
    return () => {
      window.clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) window.removeEventListener(name, active, { capture: true });
    };
  }, []);
  return left;
}

/** "5 minutes", "1 minute", "40 seconds": the time left, as the warning says it. */
export function timeLeft(ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  if (seconds > 90) {
    const minutes = Math.ceil(seconds / 60);
    return `${minutes} minutes`;
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
