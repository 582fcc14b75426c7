import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, NavLink, Route, Routes } from 'react-router';
import { ApiError, api, currentSession, signOut } from './api';
import { ErrorNotice, Loading } from './components';
import { ApiKeysPage } from './pages/ApiKeys';
import { ApprovalPolicyPage } from './pages/ApprovalPolicy';
import { ApprovalsPage } from './pages/Approvals';
import { AuditLogPage } from './pages/AuditLog';
import { BatchDetailPage, BatchesPage } from './pages/Batches';
import { HelpPage } from './pages/Help';
import { MfaSetup, SignInWithCode } from './pages/MfaSetup';
import { NewPayoutPage } from './pages/NewPayout';
import { PayoutDetailPage } from './pages/PayoutDetail';
import { PayoutRailsPage } from './pages/PayoutRails';
import { PayoutsPage } from './pages/Payouts';
import { ReportsPage } from './pages/Reports';
import { SettingsPage } from './pages/Settings';
import { SignInPage } from './pages/SignIn';
import { TeamPage } from './pages/Team';
import { WebhooksPage } from './pages/Webhooks';
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

/** Navigation: each entry shows only to members whose roles allow its action (the API enforces it too). */
const NAV: { to: string; label: string; permission: string }[] = [
  { to: '/payouts', label: 'Payouts', permission: 'payouts.read' },
  { to: '/payouts/new', label: 'New manual payout', permission: 'payouts.create_manual' },
  { to: '/batches', label: 'Batches', permission: 'payouts.read' },
  { to: '/approvals', label: 'Approvals', permission: 'payouts.approve' },
  { to: '/team', label: 'Team', permission: 'members.read' },
  { to: '/api-keys', label: 'API keys', permission: 'api_keys.manage' },
  { to: '/webhooks', label: 'Webhooks', permission: 'webhooks.manage' },
  { to: '/payout-rails', label: 'Payout rails', permission: 'rails.manage' },
  { to: '/settings', label: 'Payout criteria', permission: 'settings.manage' },
  { to: '/approval-policy', label: 'Approval policy', permission: 'settings.manage' },
  { to: '/reports', label: 'Reports', permission: 'reports.manage' },
  { to: '/audit-log', label: 'Audit log', permission: 'audit.read' },
];

function useSignedIn(): boolean {
  const [signedIn, setSignedIn] = useState(() => Boolean(currentSession()));
  useEffect(() => {
    const update = () => setSignedIn(Boolean(currentSession()));
    window.addEventListener('payouts-session', update);
    return () => window.removeEventListener('payouts-session', update);
  }, []);
  return signedIn;
}

function Shell() {
  const me = useQuery({ queryKey: ['me'], queryFn: () => api<Me>('/me') });
  if (me.isPending) return <Loading what="your workspace" />;
  if (me.error) {
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
            {NAV.filter((item) => allowed(item.permission)).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end>
                  {item.label}
                </NavLink>
              </li>
            ))}
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
      <main id="main">
        <Routes>
          <Route path="/" element={<Navigate to="/payouts" replace />} />
          <Route path="/payouts" element={<PayoutsPage me={me.data} />} />
          <Route path="/payouts/new" element={<NewPayoutPage />} />
          <Route path="/payouts/:id" element={<PayoutDetailPage me={me.data} />} />
          <Route path="/team" element={<TeamPage me={me.data} />} />
          <Route path="/api-keys" element={<ApiKeysPage />} />
          <Route path="/webhooks" element={<WebhooksPage />} />
          <Route path="/payout-rails" element={<PayoutRailsPage me={me.data} />} />
          <Route path="/settings" element={<SettingsPage />} />
          <Route path="/approvals" element={<ApprovalsPage />} />
          <Route path="/reports" element={<ReportsPage />} />
          <Route path="/batches" element={<BatchesPage me={me.data} />} />
          <Route path="/batches/:id" element={<BatchDetailPage />} />
          <Route path="/approval-policy" element={<ApprovalPolicyPage />} />
          <Route path="/audit-log" element={<AuditLogPage />} />
          <Route path="/help" element={<HelpPage me={me.data} />} />
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
