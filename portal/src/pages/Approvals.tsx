import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatMoney } from '../../../shared/domain/money';
import { api } from '../api';
import { ErrorNotice, Field, Loading, Notice, PageTitle, useCursors } from '../components';
import { actorName, label, relative } from '../format';
import type { List, PortalPayout } from '../types';

type Pending = PortalPayout & { can_decide: boolean };
/** Who made each approver one, and when (a grant minutes before an approval is worth a look). */
type Approvers = Record<
  string,
  { name: string; granted_at: string | null; granted_by: { name: string } | null }
>;

/** Who asked for a payout: the manual payout's requester, the person who uploaded its batch, or the API. */
function requesterLabel(payout: PortalPayout): string {
  if (payout.manual) return actorName(payout.manual.requested_by);
  const first = payout.timeline[0]?.actor;
  if (first?.type === 'member') return `${actorName(first)}, ${label(payout.source)} upload`;
  return `API (${label(payout.source)})`;
}

interface BulkResult {
  results: { id: string; approved: boolean; error?: { message: string } }[];
}

/** The approvers' inbox: payouts waiting for a decision, oldest deadline first on each page. */
export function ApprovalsPage() {
  const queryClient = useQueryClient();
  const pages = useCursors();
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  const query = new URLSearchParams({ limit: '25' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const pending = useQuery({
    queryKey: ['approvals', query.toString()],
    queryFn: () => api<List<Pending> & { approvers: Approvers }>(`/approvals?${query}`),
    placeholderData: keepPreviousData,
  });
  const bulk = useMutation({
    mutationFn: () =>
      api<BulkResult>('/approvals/approve', {
        method: 'POST',
        body: { ids: chosen, ...(comment ? { comment } : {}) },
      }),
    onSuccess: () => {
      setChosen([]);
      return queryClient.invalidateQueries({ queryKey: ['approvals'] });
    },
  });

  const toggle = (id: string, on: boolean) =>
    setChosen(on ? [...chosen, id] : chosen.filter((other) => other !== id));

  return (
    <>
      <PageTitle>Approvals</PageTitle>
      <p>
        Payouts waiting for a decision. You cannot decide on payouts you requested; one rejection rejects;
        each person counts once toward the approvals a payout needs.
      </p>
      <ErrorNotice error={pending.error ?? bulk.error} />
      {bulk.data && (
        <Notice>
          {bulk.data.results.filter((result) => result.approved).length} approved.
          {bulk.data.results
            .filter((result) => !result.approved)
            .map((result) => ` ${result.id}: ${result.error?.message}`)
            .join('')}
        </Notice>
      )}
      {pending.isPending ? (
        <Loading what="pending payouts" />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            bulk.mutate();
          }}
        >
          <table>
            <caption className="visually-hidden">Payouts waiting for approval</caption>
            <thead>
              <tr>
                <th scope="col">
                  <span className="visually-hidden">Select</span>
                </th>
                <th scope="col">Payout</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col">Requested by</th>
                <th scope="col">Reason and rationale</th>
                <th scope="col">Approvals</th>
                <th scope="col">Waiting</th>
                <th scope="col">Expires</th>
              </tr>
            </thead>
            <tbody>
              {pending.data?.data.map((payout) => (
                <tr key={payout.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${payout.reference}`}
                      disabled={!payout.can_decide}
                      checked={chosen.includes(payout.id)}
                      onChange={(event) => toggle(payout.id, event.target.checked)}
                    />
                  </td>
                  <td>
                    <Link to={`/payouts/${payout.id}`}>{payout.reference}</Link>
                    <br />
                    <small>{label(payout.purpose)}</small>
                  </td>
                  <td className="number">{formatMoney(payout.amount, payout.currency)}</td>
                  <td>
                    {requesterLabel(payout)}
                    {!payout.can_decide && (
                      <>
                        <br />
                        <small>You cannot decide on this one.</small>
                      </>
                    )}
                  </td>
                  <td>
                    {payout.manual ? (
                      <>
                        <strong>{label(payout.manual.reason_code)}</strong>:{' '}
                        {payout.manual.rationale.slice(0, 140)}
                        {payout.manual.rationale.length > 140 ? '…' : ''}{' '}
                        <a
                          href={payout.manual.ticket_url}
                          target="_blank"
                          rel="noreferrer noopener"
                          aria-label={`Ticket of ${payout.reference} (opens in a new tab)`}
                        >
                          ticket
                        </a>
                      </>
                    ) : (
                      (payout.description ?? '—')
                    )}
                  </td>
                  <td>
                    {payout.approval?.approvals.length ?? 0} of {payout.approval?.required}
                    {payout.approval?.approvals.map((entry) => {
                      const approver = pending.data?.approvers[entry.user_id];
                      return (
                        <small key={entry.user_id} className="approver-grant">
                          <br />
                          {entry.name}
                          {approver?.granted_at
                            ? `: approver since ${relative(approver.granted_at)}${approver.granted_by ? `, made one by ${approver.granted_by.name}` : ''}`
                            : ''}
                        </small>
                      );
                    })}
                  </td>
                  <td>{relative(payout.created_at)}</td>
                  <td>{payout.approval ? relative(payout.approval.expires_at) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pending.data?.data.length === 0 && <p className="empty">Nothing waits for approval.</p>}
          {pages.pager(pending.data)}
          <div className="form">
            <Field label="Comment for the selected payouts (optional)">
              {(input) => (
                <input {...input} value={comment} onChange={(event) => setComment(event.target.value)} />
              )}
            </Field>
            <button type="submit" disabled={chosen.length === 0 || bulk.isPending}>
              Approve {chosen.length} selected
            </button>
          </div>
        </form>
      )}
    </>
  );
}
