import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatMoney } from '../../../shared/domain/money';
import { api } from '../api';
import {
  ConfirmDialog,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  PageTitle,
  StatusBadge,
  useCursors,
} from '../components';
import { actorName, dateTime, label, relative } from '../format';
import type { List, Payout, PortalPayout } from '../types';

/** Why the caller cannot decide on a payout (the server's `cannot_decide_reason`), null when they can. */
type CannotDecideReason = 'decided' | 'expired' | 'own_request' | 'already_approved';
type Pending = PortalPayout & { can_decide: boolean; cannot_decide_reason?: CannotDecideReason | null };
/** Who made each approver one, and when (a grant minutes before an approval is worth a look). */
type Approvers = Record<
  string,
  { name: string; granted_at: string | null; granted_by: { name: string } | null }
>;

/** The reasons in words, as the inbox says them beside a payout one cannot decide on. */
const CANNOT_DECIDE: Record<CannotDecideReason, string> = {
  own_request: 'You requested this payout: someone else has to decide on it (four eyes).',
  already_approved: 'You already approved it: the next approval has to come from someone else.',
  expired: 'Its time for a decision has run out: it expires and is not paid.',
  decided: 'It is already decided.',
};

/**
 * The status a person should see. A decision is final at once, but the workflow moves the payout out
 * of `pending_approval` moments later: showing the decision (not the stale status) keeps a rejected
 * payout from looking decidable in between.
 */
export function shownStatus(payout: Payout): string {
  const approval = payout.approval;
  if (payout.status !== 'pending_approval' || !approval) return payout.status;
  if (approval.rejected_by) return 'rejected';
  if (approval.approvals.length >= approval.required) return 'approved';
  return payout.status;
}

/**
 * A payout's name for people: a manual payout by its category, customer and amount ("Support credit
 * · CUST-1001 · EUR 25.00"), any other by its amount and reference.
 */
export function payoutTitle(payout: PortalPayout): string {
  const amount = formatMoney(payout.amount, payout.currency);
  if (payout.manual) return `${label(payout.purpose)} · ${payout.manual.customer_reference} · ${amount}`;
  return `${amount} · ${payout.reference}`;
}

/** Who asked for a payout: the manual payout's requester, the person who uploaded its batch, or the API. */
function requesterLabel(payout: PortalPayout): string {
  if (payout.manual) return actorName(payout.manual.requested_by);
  const first = payout.timeline[0]?.actor;
  if (first?.type === 'member') return `${actorName(first)}, ${label(payout.source)} upload`;
  return `API (${label(payout.source)})`;
}

/** The total of some payouts per currency, in the one money format: "EUR 75.00 + JPY 100". */
function totalOf(payouts: Payout[]): string {
  const sums = new Map<string, number>();
  for (const payout of payouts) sums.set(payout.currency, (sums.get(payout.currency) ?? 0) + payout.amount);
  return [...sums.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => formatMoney(amount, currency))
    .join(' + ');
}

interface BulkResult {
  results: ({ id: string; payout?: PortalPayout; error?: { message: string } } & (
    | { approved: boolean }
    | { rejected: boolean }
  ))[];
}

/** What a decision just made here says: who, when and the comment, shown in the payout's row. */
function DecisionMade({ payout }: { payout: Payout }) {
  const approval = payout.approval;
  const status = shownStatus(payout);
  const entry = status === 'rejected' ? approval?.rejected_by : approval?.approvals.at(-1);
  return (
    <p className="decision-made">
      <StatusBadge status={status} />{' '}
      {entry && (
        <small>
          by {entry.name} {relative(entry.at)}
          {entry.comment ? `: “${entry.comment}”` : ''}
        </small>
      )}
      {status === 'pending_approval' && approval && (
        <small>
          {' '}
          Approved by you; {approval.approvals.length} of {approval.required} approvals.
        </small>
      )}
    </p>
  );
}

/** The approvers' inbox: payouts waiting for a decision, oldest deadline first on each page. */
export function ApprovalsPage() {
  const queryClient = useQueryClient();
  const pages = useCursors();
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState('');
  // Payouts decided on this page, from the decisions' answers: shown as decided at once, and kept in
  // view after the inbox no longer lists them (the approver sees what they just did).
  const [decided, setDecided] = useState<Record<string, Pending>>({});
  /** The reject dialog: one payout, or the selection (`bulk`); its required comment. */
  const [rejecting, setRejecting] = useState<{ ids: string[]; bulk: boolean } | null>(null);
  const [rejectComment, setRejectComment] = useState('');
  const [bulkOutcome, setBulkOutcome] = useState<string | null>(null);
  const query = new URLSearchParams({ limit: '25' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const pending = useQuery({
    queryKey: ['approvals', query.toString()],
    queryFn: () => api<List<Pending> & { approvers: Approvers }>(`/approvals?${query}`),
    placeholderData: keepPreviousData,
  });

  const keepDecided = (payouts: PortalPayout[]) => {
    setDecided((before) => ({
      ...before,
      ...Object.fromEntries(
        payouts.map((payout) => [
          payout.id,
          { ...payout, can_decide: false, cannot_decide_reason: 'decided' as const },
        ]),
      ),
    }));
    const ids = payouts.map((payout) => payout.id);
    setChosen((before) => before.filter((id) => !ids.includes(id)));
    // Other pages (the payout, the list) read the new state; this inbox keeps its rows from the answer.
    void queryClient.invalidateQueries({ queryKey: ['payouts'] });
    for (const payout of payouts) queryClient.setQueryData(['payout', payout.id], payout);
  };

  const decideOne = useMutation({
    mutationFn: (input: { id: string; decision: 'approve' | 'reject'; comment?: string }) =>
      api<PortalPayout>(`/payouts/${encodeURIComponent(input.id)}/${input.decision}`, {
        method: 'POST',
        body: input.comment ? { comment: input.comment } : {},
      }),
    onSuccess: (payout) => {
      keepDecided([payout]);
      setRejecting(null);
      setRejectComment('');
    },
  });
  const bulk = useMutation({
    mutationFn: (input: { decision: 'approve' | 'reject'; ids: string[]; comment: string }) =>
      api<BulkResult>(`/approvals/${input.decision}`, {
        method: 'POST',
        body: { ids: input.ids, ...(input.comment ? { comment: input.comment } : {}) },
      }),
    onSuccess: (answer, input) => {
      const done = answer.results.flatMap((result) => (result.payout ? [result.payout] : []));
      keepDecided(done);
      const titleOf = (id: string) => {
        const payout = rows.find((candidate) => candidate.id === id);
        return payout ? payoutTitle(payout) : 'A payout';
      };
      const refused = answer.results
        .filter((result) => !result.payout)
        .map((result) => ` ${titleOf(result.id)}: ${result.error?.message ?? 'not decided'}`);
      setBulkOutcome(
        `${done.length} ${input.decision === 'approve' ? 'approved' : 'rejected'}.${refused.join('')}`,
      );
      // The comment was for these payouts: the next selection starts without it.
      setComment('');
      setRejecting(null);
      setRejectComment('');
    },
  });

  const listed = pending.data?.data ?? [];
  const rows: Pending[] = [
    ...listed.map((payout) => decided[payout.id] ?? payout),
    ...Object.values(decided).filter((payout) => !listed.some((other) => other.id === payout.id)),
  ];
  const decidable = rows.filter((payout) => payout.can_decide);
  const selected = decidable.filter((payout) => chosen.includes(payout.id));
  const allChosen = decidable.length > 0 && selected.length === decidable.length;
  const toggle = (id: string, on: boolean) =>
    setChosen(on ? [...chosen, id] : chosen.filter((other) => other !== id));
  const rejectedOne = rejecting && !rejecting.bulk ? rows.find((row) => row.id === rejecting.ids[0]) : null;

  return (
    <>
      <PageTitle>Approvals</PageTitle>
      <p>
        Payouts waiting for a decision. You cannot decide on payouts you requested; one rejection rejects;
        each person counts once toward the approvals a payout needs. A rejection needs a comment: the
        requester reads it.
      </p>
      <ErrorNotice error={pending.error ?? (rejecting ? null : (bulk.error ?? decideOne.error))} />
      {bulkOutcome && <Notice>{bulkOutcome}</Notice>}
      {pending.isPending ? (
        <Loading what="pending payouts" />
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            bulk.mutate({ decision: 'approve', ids: selected.map((payout) => payout.id), comment });
          }}
        >
          <div className="selection-bar">
            <label className="checkbox">
              <input
                type="checkbox"
                checked={allChosen}
                disabled={decidable.length === 0}
                onChange={(event) =>
                  setChosen(event.target.checked ? decidable.map((payout) => payout.id) : [])
                }
              />
              Select all you can decide ({decidable.length})
            </label>
            <p className="selection-total" aria-live="polite">
              {selected.length === 0
                ? 'Nothing selected.'
                : `${selected.length} selected, totalling ${totalOf(selected)}.`}
            </p>
          </div>
          <table className="approvals-table">
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
                <th scope="col">Decision</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((payout) => {
                const reason = payout.can_decide ? null : (payout.cannot_decide_reason ?? 'decided');
                const justDecided = decided[payout.id] !== undefined;
                return (
                  <tr key={payout.id} className={justDecided ? 'decided' : undefined}>
                    <td className="select">
                      <input
                        type="checkbox"
                        aria-label={`Select ${payout.reference}`}
                        disabled={!payout.can_decide}
                        checked={payout.can_decide && chosen.includes(payout.id)}
                        onChange={(event) => toggle(payout.id, event.target.checked)}
                      />
                    </td>
                    <td data-label="Payout" className="wrap">
                      <Link to={`/payouts/${payout.id}`}>
                        {payout.manual ? payoutTitle(payout) : payout.reference}
                      </Link>
                      <br />
                      <small>
                        {label(payout.purpose)}
                        {payout.manual ? ` · ${payout.reference}` : ''}
                      </small>
                    </td>
                    <td data-label="Amount" className="number">
                      {formatMoney(payout.amount, payout.currency)}
                    </td>
                    <td data-label="Requested by" className="wrap">
                      {requesterLabel(payout)}
                    </td>
                    <td data-label="Reason and rationale" className="wrap">
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
                    <td data-label="Approvals">
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
                    <td data-label="Waiting">{relative(payout.created_at)}</td>
                    <td data-label="Expires">
                      {payout.approval ? (
                        <time
                          dateTime={payout.approval.expires_at}
                          title={dateTime(payout.approval.expires_at)}
                        >
                          {relative(payout.approval.expires_at)}
                        </time>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td data-label="Decision" className="decision">
                      {justDecided ? (
                        <DecisionMade payout={payout} />
                      ) : reason ? (
                        <p className="cannot-decide">{CANNOT_DECIDE[reason]}</p>
                      ) : (
                        <div className="row-actions">
                          <button
                            type="button"
                            aria-label={`Approve ${payoutTitle(payout)}`}
                            disabled={decideOne.isPending}
                            onClick={() => decideOne.mutate({ id: payout.id, decision: 'approve' })}
                          >
                            Approve
                          </button>
                          <button
                            type="button"
                            className="danger"
                            aria-label={`Reject ${payoutTitle(payout)}`}
                            disabled={decideOne.isPending}
                            onClick={() => {
                              decideOne.reset();
                              setRejectComment('');
                              setRejecting({ ids: [payout.id], bulk: false });
                            }}
                          >
                            Reject
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {rows.length === 0 && <p className="empty">Nothing waits for approval.</p>}
          {pages.pager(pending.data)}
          <div className="form">
            <Field
              label="Comment for the selected payouts"
              hint="Optional when approving; rejecting asks for one."
            >
              {(input) => (
                <input {...input} value={comment} onChange={(event) => setComment(event.target.value)} />
              )}
            </Field>
            <div className="row-actions">
              <button type="submit" disabled={selected.length === 0 || bulk.isPending}>
                Approve {selected.length} selected
              </button>
              <button
                type="button"
                className="danger"
                disabled={selected.length === 0 || bulk.isPending}
                onClick={() => {
                  bulk.reset();
                  setRejectComment(comment);
                  setRejecting({ ids: selected.map((payout) => payout.id), bulk: true });
                }}
              >
                Reject {selected.length} selected
              </button>
            </div>
          </div>
        </form>
      )}
      <ConfirmDialog
        open={rejecting !== null}
        danger
        title={
          rejecting?.bulk
            ? `Reject ${rejecting.ids.length} payout${rejecting.ids.length === 1 ? '' : 's'}?`
            : `Reject ${rejectedOne ? payoutTitle(rejectedOne) : 'this payout'}?`
        }
        confirmLabel={rejecting?.bulk ? `Reject ${rejecting.ids.length} selected` : 'Reject payout'}
        confirmDisabled={rejectComment.trim() === '' || bulk.isPending || decideOne.isPending}
        onCancel={() => {
          setRejecting(null);
          setRejectComment('');
        }}
        onConfirm={() => {
          if (!rejecting || rejectComment.trim() === '') return;
          if (rejecting.bulk)
            bulk.mutate({ decision: 'reject', ids: rejecting.ids, comment: rejectComment.trim() });
          else
            decideOne.mutate({
              id: rejecting.ids[0] ?? '',
              decision: 'reject',
              comment: rejectComment.trim(),
            });
        }}
      >
        <p>
          {rejecting?.bulk
            ? `Totalling ${totalOf(rows.filter((row) => rejecting.ids.includes(row.id)))}. `
            : ''}
          A rejected payout is not paid, and the decision cannot be undone: the requester can only submit a
          new request.
        </p>
        <ErrorNotice error={rejecting ? (rejecting.bulk ? bulk.error : decideOne.error) : null} />
        <Field label="Why is it rejected? (required)" hint="The requester reads this on the payout.">
          {(input) => (
            <textarea
              {...input}
              required
              rows={3}
              value={rejectComment}
              onChange={(event) => setRejectComment(event.target.value)}
            />
          )}
        </Field>
      </ConfirmDialog>
    </>
  );
}
