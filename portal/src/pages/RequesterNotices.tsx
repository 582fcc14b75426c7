import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api';
import { relative } from '../format';
import type { List, Me, PortalPayout } from '../types';
import { payoutTitle } from './Approvals';

/** Rejections the requester has read and put away (this browser), so the notice does not nag. */
const DISMISSED_KEY = 'payouts.dismissed-rejections';

function dismissedIds(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(DISMISSED_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Tells a requester, on every page, that a request of theirs was rejected in the last days: by whom,
 * when, why, with the way forward (the payout, and resubmitting it as a new request). The server
 * answers only the caller's own requests (`GET /me/rejected-payouts`).
 */
export function RequesterNotices({ me }: { me: Me }) {
  const mayRequest = me.permissions.includes('payouts.create_manual');
  const [dismissed, setDismissed] = useState(dismissedIds);
  const rejections = useQuery({
    queryKey: ['me', 'rejected-payouts'],
    queryFn: () => api<List<PortalPayout>>('/me/rejected-payouts'),
    enabled: mayRequest,
    refetchInterval: 60_000,
  });
  const shown = (rejections.data?.data ?? []).filter((payout) => !dismissed.includes(payout.id));
  if (!mayRequest || shown.length === 0) return null;

  const dismiss = (id: string) => {
    const next = [...dismissed, id];
    // Only ids of rejections still listed are worth keeping.
    const listed = new Set(rejections.data?.data.map((payout) => payout.id));
    localStorage.setItem(DISMISSED_KEY, JSON.stringify(next.filter((other) => listed.has(other))));
    setDismissed(next);
  };

  return (
    // Not a heading: it comes before the page's own h1 on every page.
    <section className="requester-notices" aria-labelledby="requester-notices">
      <p id="requester-notices" className="notice-title">
        {shown.length === 1
          ? 'A request of yours was rejected'
          : `${shown.length} requests of yours were rejected`}
      </p>
      <ul className="notice-list">
        {shown.map((payout) => {
          const rejection = payout.approval?.rejected_by;
          const title = payoutTitle(payout);
          return (
            <li key={payout.id}>
              <Link to={`/payouts/${payout.id}`}>{title}</Link>
              {rejection && (
                <>
                  {' '}
                  was rejected by {rejection.name} {relative(rejection.at)}
                  {rejection.comment ? <>: “{rejection.comment}”</> : '.'}
                </>
              )}
              <span className="notice-actions">
                {payout.manual && (
                  <Link to={`/payouts/new?from=${encodeURIComponent(payout.id)}`}>
                    Resubmit as a new request
                  </Link>
                )}
                <button
                  type="button"
                  className="link"
                  aria-label={`Dismiss the notice about ${title}`}
                  onClick={() => dismiss(payout.id)}
                >
                  Dismiss
                </button>
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
