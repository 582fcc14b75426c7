import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode, useEffect, useId, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router';
import { ApiError, api, endSessionBecause, FORBIDDEN_EVENT, signOut } from './api';
import { ConfirmDialog, ErrorNotice, Loading } from './components';
import { ApiKeysPage } from './pages/ApiKeys';
import { ApprovalPolicyPage, ApprovalPolicyReadOnlyPage } from './pages/ApprovalPolicy';
import { ApprovalsPage } from './pages/Approvals';
import { AuditLogPage } from './pages/AuditLog';
import { BatchDetailPage, BatchesPage } from './pages/Batches';
import { FirstSteps } from './pages/guides/FirstSteps';
import { HelpPage } from './pages/Help';
import { MfaSetup, SignInWithCode } from './pages/MfaSetup';
import { NewPayoutPage } from './pages/NewPayout';
import { Allowed } from './pages/NotAllowed';
import { PayoutDetailPage } from './pages/PayoutDetail';
import { PayoutRailsPage } from './pages/PayoutRails';
import { PayoutsPage } from './pages/Payouts';
import { ReconciliationPage, ReconciliationRunPage } from './pages/Reconciliation';
import { ReportsPage } from './pages/Reports';
import { RequesterNotices } from './pages/RequesterNotices';
import { CriteriaReadOnlyPage, SettingsPage } from './pages/Settings';
import { SignInPage } from './pages/SignIn';
import { TeamPage } from './pages/Team';
import { WebhooksPage } from './pages/Webhooks';
import { onSessionChange, recordActivity, storedSession, timeLeft, useIdleCountdown } from './session';
import type { Me } from './types';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});

/**
 * Navigation: each entry shows only to members whose roles allow its action (the API enforces it too).
 * The pages that run the workspace (`group: 'workspace'`) sit under one menu, so the bar stays one
 * line at 1440 px even for a member with every role.
 */
const NAV: { to: string; label: string; permission: string; group?: 'workspace' }[] = [
  { to: '/payouts', label: 'Payouts', permission: 'payouts.read' },
  { to: '/payouts/new', label: 'New manual payout', permission: 'payouts.create_manual' },
  { to: '/batches', label: 'Batches', permission: 'payouts.read' },
  { to: '/approvals', label: 'Approvals', permission: 'payouts.approve' },
  { to: '/reports', label: 'Reports', permission: 'reports.manage' },
  { to: '/reconciliation', label: 'Reconciliation', permission: 'reconciliation.manage' },
  { to: '/audit-log', label: 'Audit log', permission: 'audit.read' },
  { to: '/team', label: 'Team', permission: 'members.read', group: 'workspace' },
  { to: '/api-keys', label: 'API keys', permission: 'api_keys.manage', group: 'workspace' },
  { to: '/webhooks', label: 'Webhooks', permission: 'webhooks.manage', group: 'workspace' },
  { to: '/payout-rails', label: 'Payout rails', permission: 'rails.manage', group: 'workspace' },
  { to: '/settings', label: 'Payout criteria', permission: 'settings.manage', group: 'workspace' },
  { to: '/approval-policy', label: 'Approval policy', permission: 'settings.manage', group: 'workspace' },
];

/**
 * A disclosure menu in the top bar (a button that shows or hides a list of links): closes when a link
 * is followed, on Escape (focus back on the button), and when a click or focus lands outside it.
 */
function NavMenu({ label, items }: { label: string; items: typeof NAV }) {
  const [open, setOpen] = useState(false);
  const container = useRef<HTMLLIElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const { pathname } = useLocation();
  useEffect(() => {
    if (!open) return;
    const closeOutside = (event: Event) => {
      if (!container.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', closeOutside);
    document.addEventListener('focusin', closeOutside);
    return () => {
      document.removeEventListener('mousedown', closeOutside);
      document.removeEventListener('focusin', closeOutside);
    };
  }, [open]);
  if (items.length === 0) return null;
  const current = items.some((item) => pathname === item.to);
  return (
    <li
      ref={container}
      className="nav-group"
      onKeyDown={(event) => {
        if (event.key !== 'Escape' || !open) return;
        setOpen(false);
        toggle.current?.focus();
      }}
    >
      <button
        ref={toggle}
        type="button"
        className={`nav-toggle${current ? ' active' : ''}`}
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
      >
        {label}
        <span aria-hidden="true" className="caret">
          ▾
        </span>
      </button>
      <ul id={menuId} className="nav-menu" hidden={!open}>
        {items.map((item) => (
          <li key={item.to}>
            <NavLink to={item.to} end onClick={() => setOpen(false)}>
              {item.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </li>
  );
}

/**
 * Signed in while a session is stored, in this tab or any other of the portal (a sign-in or sign-out
 * in one tab reaches all); an ID token that ran out is refreshed by the next call, not signed out.
 */
function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(() => Boolean(storedSession()));
  useEffect(() => onSessionChange(() => setSignedIn(Boolean(storedSession()))), []);
  return signedIn;
}

/** How often the member's roles (`/me`) are read again, so the menu follows a role change. */
const ME_REFRESH_MS = 60_000;

/**
 * Before the idle sign-out: a modal warning with the time left; any click or key press keeps the
 * session (in any tab), and at zero the session ends with a message, keeping unsaved drafts.
 */
function IdleWarning() {
  const left = useIdleCountdown();
  useEffect(() => {
    if (left === 0) endSessionBecause('idle');
  }, [left]);
  const stay = () => recordActivity({ now: true });
  return (
    <ConfirmDialog
      open={left !== undefined && left > 0}
      title={`You will be signed out in ${timeLeft(left ?? 0)}`}
      confirmLabel="Stay signed in"
      onConfirm={stay}
      onCancel={stay}
    >
      <p>The portal has not been used for a while. Unsaved input is kept for your next sign-in.</p>
    </ConfirmDialog>
  );
}

function Shell() {
  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => api<Me>('/me'),
    // Roles can change while the member works: the menu follows on focus, every minute and after a 403.
    refetchOnWindowFocus: 'always',
    refetchInterval: ME_REFRESH_MS,
  });
  useEffect(() => {
    const reread = () => void queryClient.invalidateQueries({ queryKey: ['me'] });
    window.addEventListener(FORBIDDEN_EVENT, reread);
    return () => window.removeEventListener(FORBIDDEN_EVENT, reread);
  }, []);
  if (me.isPending) return <Loading what="your workspace" />;
  // A failed re-read keeps the workspace (the last answer stands); only a first read blocks it.
  if (me.error && !me.data) {
    return (
      <main className="center">
        <ErrorNotice error={me.error} />
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </main>
    );
  }
  // Approvers and admins (or everyone, by the tenant's policy) go no further without two steps.
  if (me.data.mfa.required && !me.data.mfa.satisfied)
    return me.data.mfa.enabled ? <SignInWithCode /> : <MfaSetup email={me.data.email} reason="required" />;
  const allowed = (permission: string) => me.data.permissions.includes(permission);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Payouts</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((item) => !item.group && allowed(item.permission)).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end>
                  {item.label}
                </NavLink>
              </li>
            ))}
            <NavMenu
              label="Workspace"
              items={NAV.filter((item) => item.group === 'workspace' && allowed(item.permission))}
            />
            <li>
              <NavLink to="/help">Help</NavLink>
            </li>
          </ul>
        </nav>
        <div className="who">
          <span>
            {me.data.name} <small>({me.data.roles.join(', ')})</small>
          </span>
          <NavLink to="/two-step">Two-step verification</NavLink>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              queryClient.clear();
              signOut();
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <IdleWarning />
      <main id="main">
        <RequesterNotices me={me.data} />
        <FirstSteps me={me.data} />
        <Routes>
          <Route path="/" element={<Navigate to="/payouts" replace />} />
          {/* Each route asks for the permission its menu entry names (NAV): a deep link shows who may, not a form. */}
          <Route
            path="/payouts"
            element={
              <Allowed me={me.data} action="payouts.read" title="Payouts" doing="see payouts">
                <PayoutsPage me={me.data} />
              </Allowed>
            }
          />
          <Route
            path="/payouts/new"
            element={
              <Allowed
                me={me.data}
                action="payouts.create_manual"
                title="New manual payout"
                doing="create manual payouts"
              >
                <NewPayoutPage />
              </Allowed>
            }
          />
          <Route
            path="/payouts/:id"
            element={
              <Allowed me={me.data} action="payouts.read" title="Payout" doing="see payouts">
                <PayoutDetailPage me={me.data} />
              </Allowed>
            }
          />
          <Route
            path="/team"
            element={
              <Allowed me={me.data} action="members.read" title="Team" doing="see and manage the team">
                <TeamPage me={me.data} />
              </Allowed>
            }
          />
          <Route
            path="/api-keys"
            element={
              <Allowed
                me={me.data}
                action="api_keys.manage"
                title="API keys"
                doing="create and revoke API keys"
              >
                <ApiKeysPage />
              </Allowed>
            }
          />
          <Route
            path="/webhooks"
            element={
              <Allowed
                me={me.data}
                action="webhooks.manage"
                title="Webhooks"
                doing="manage webhook endpoints"
              >
                <WebhooksPage />
              </Allowed>
            }
          />
          <Route
            path="/payout-rails"
            element={
              <Allowed me={me.data} action="rails.manage" title="Payout rails" doing="configure payout rails">
                <PayoutRailsPage me={me.data} />
              </Allowed>
            }
          />
          <Route
            path="/settings"
            element={
              <Allowed
                me={me.data}
                action="settings.manage"
                title="Manual payout criteria"
                doing="change the payout criteria"
                readOnly={me.data.permissions.includes('payouts.read') ? <CriteriaReadOnlyPage /> : undefined}
              >
                <SettingsPage />
              </Allowed>
            }
          />
          <Route
            path="/approvals"
            element={
              <Allowed
                me={me.data}
                action="payouts.approve"
                title="Approvals"
                doing="approve or reject payouts"
              >
                <ApprovalsPage />
              </Allowed>
            }
          />
          <Route
            path="/reports"
            element={
              <Allowed
                me={me.data}
                action="reports.manage"
                title="Reports"
                doing="request and download reports"
              >
                <ReportsPage />
              </Allowed>
            }
          />
          <Route
            path="/reconciliation"
            element={
              <Allowed
                me={me.data}
                action="reconciliation.manage"
                title="Reconciliation"
                doing="reconcile payouts with the providers"
              >
                <ReconciliationPage />
              </Allowed>
            }
          />
          <Route
            path="/reconciliation/:id"
            element={
              <Allowed
                me={me.data}
                action="reconciliation.manage"
                title="Reconciliation run"
                doing="reconcile payouts with the providers"
              >
                <ReconciliationRunPage />
              </Allowed>
            }
          />
          <Route
            path="/batches"
            element={
              <Allowed me={me.data} action="payouts.read" title="Batches" doing="see batches">
                <BatchesPage me={me.data} />
              </Allowed>
            }
          />
          <Route
            path="/batches/:id"
            element={
              <Allowed me={me.data} action="payouts.read" title="Batch" doing="see batches">
                <BatchDetailPage />
              </Allowed>
            }
          />
          <Route
            path="/approval-policy"
            element={
              <Allowed
                me={me.data}
                action="settings.manage"
                title="Approval policy"
                doing="change the approval policy"
                readOnly={
                  me.data.permissions.includes('payouts.read') ? <ApprovalPolicyReadOnlyPage /> : undefined
                }
              >
                <ApprovalPolicyPage />
              </Allowed>
            }
          />
          <Route
            path="/audit-log"
            element={
              <Allowed me={me.data} action="audit.read" title="Audit log" doing="read the audit log">
                <AuditLogPage />
              </Allowed>
            }
          />
          <Route path="/help" element={<HelpPage me={me.data} />} />
          <Route path="/help/:guide" element={<HelpPage me={me.data} />} />
          <Route path="/two-step" element={<TwoStepPage me={me.data} />} />
          <Route path="*" element={<p>There is no such page.</p>} />
        </Routes>
      </main>
    </>
  );
}

/** Two-step verification for a member it is not required of: on, or set it up. */
function TwoStepPage({ me }: { me: Me }) {
  if (!me.mfa.enabled) return <MfaSetup email={me.email} reason="chosen" />;
  return (
    <section>
      <h1>Two-step verification</h1>
      <p>
        It is on: every sign-in asks for a code from your authenticator app. Lost your phone? An admin of your
        team can reset it, and you set up a new app at your next sign-in.
      </p>
    </section>
  );
}

function App() {
  const signedIn = useSignedIn();
  // Whatever the session ended by, the next member starts from nothing cached.
  useEffect(() => {
    if (!signedIn) queryClient.clear();
  }, [signedIn]);
  return signedIn ? <Shell /> : <SignInPage />;
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
