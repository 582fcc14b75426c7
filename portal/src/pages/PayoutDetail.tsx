import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { formatMoney } from '../../../shared/domain/money';
import { api } from '../api';
import { ConfirmDialog, ErrorNotice, Field, Loading, Notice, PageTitle, StatusBadge } from '../components';
import { actorName, dateTime, label, relative } from '../format';
import type { Me, PortalPayout } from '../types';
import { payoutTitle, shownStatus } from './Approvals';

const CANCELABLE = ['pending_approval', 'queued'];

/** One payout: its details, documentation and a timeline of every status change and who made it. */
export function PayoutDetailPage({ me }: { me: Me }) {
  const { id = '' } = useParams();
  const location = useLocation();
  const queryClient = useQueryClient();
  const payout = useQuery({
    queryKey: ['payout', id],
    queryFn: () => api<PortalPayout>(`/payouts/${encodeURIComponent(id)}`),
    // Execution takes a moment: refresh while the payout is not final.
    refetchInterval: (query) =>
      ['pending_approval', 'queued', 'processing'].includes(query.state.data?.status ?? '') ? 2000 : false,
  });
  const cancel = useMutation({
    mutationFn: () => api<PortalPayout>(`/payouts/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['payout', id], updated);
      return queryClient.invalidateQueries({ queryKey: ['payouts'] });
    },
  });
  const [comment, setComment] = useState('');
  const [confirming, setConfirming] = useState<'cancel' | 'reject' | null>(null);
  const [rejectComment, setRejectComment] = useState('');
  const decideOn = useMutation({
    mutationFn: (decision: { approve: true } | { approve: false; comment: string }) =>
      api<PortalPayout>(`/payouts/${encodeURIComponent(id)}/${decision.approve ? 'approve' : 'reject'}`, {
        method: 'POST',
        body: decision.approve
          ? comment.trim()
            ? { comment: comment.trim() }
            : {}
          : { comment: decision.comment },
      }),
    // The answer carries the decision: the page shows it at once (no refetch that could still read
    // the payout as waiting and offer the buttons again).
    onSuccess: (updated) => {
      setComment('');
      setRejectComment('');
      setConfirming(null);
      queryClient.setQueryData(['payout', id], updated);
      return queryClient.invalidateQueries({ queryKey: ['approvals'] });
    },
  });
  const download = useMutation({
    mutationFn: () => api<{ url: string }>(`/payouts/${encodeURIComponent(id)}/attachment`),
    onSuccess: ({ url }) => window.location.assign(url),
  });

  if (payout.isPending) return <Loading what="the payout" />;
  if (payout.error) return <ErrorNotice error={payout.error} />;
  const data = payout.data;
  const manual = data.manual;
  const requester = manual?.requested_by.type === 'member' ? manual.requested_by.id : null;
  const canCancel =
    me.permissions.includes('payouts.cancel') &&
    CANCELABLE.includes(data.status) &&
    (data.status !== 'pending_approval' || me.roles.includes('admin') || requester === me.id);
  const approval = data.approval;
  const status = shownStatus(data);
  const canDecide =
    me.permissions.includes('payouts.approve') &&
    status === 'pending_approval' &&
    requester !== me.id &&
    !approval?.approvals.some((entry) => entry.user_id === me.id);
  const rejection = status === 'rejected' ? approval?.rejected_by : null;
  const canResubmit =
    status === 'rejected' && manual !== null && me.permissions.includes('payouts.create_manual');

  return (
    <>
      <p>
        <Link to="/payouts">← All payouts</Link>
      </p>
      <PageTitle
        actions={
          canCancel && (
            <button
              type="button"
              className="danger"
              disabled={cancel.isPending}
              onClick={() => {
                cancel.reset();
                setConfirming('cancel');
              }}
            >
              Cancel payout
            </button>
          )
        }
      >
        {payoutTitle(data)}
      </PageTitle>
      {(location.state as { created?: boolean } | null)?.created && <Notice>The payout was created.</Notice>}
      {rejection && (
        <section className="rejection" aria-labelledby="rejection">
          <h2 id="rejection">
            Rejected by {rejection.name} on {dateTime(rejection.at)}
          </h2>
          {rejection.comment && <blockquote className="prose">{rejection.comment}</blockquote>}
          <p>This payout will not be paid.</p>
          {canResubmit && (
            <p>
              <Link className="button" to={`/payouts/new?from=${encodeURIComponent(data.id)}`}>
                Resubmit as a new request
              </Link>{' '}
              <small>
                A new payout, prefilled from this one, for you to correct before it goes to approval.
              </small>
            </p>
          )}
        </section>
      )}
      <ErrorNotice error={confirming ? null : (cancel.error ?? download.error ?? decideOn.error)} />
      <section aria-labelledby="details">
        <h2 id="details">Details</h2>
        <dl className="details">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={status} />
            {data.failure_message && <span className="failure"> {data.failure_message}</span>}
            {data.status === 'returned' && data.returned_at && (
              <span className="failure">
                {' '}
                Paid, then sent back by the bank on {dateTime(data.returned_at)} (
                {label(data.return_code ?? 'unknown')}).
              </span>
            )}
          </dd>
          <dt>Amount</dt>
          <dd>{formatMoney(data.amount, data.currency)}</dd>
          <dt>Reference</dt>
          <dd className="wrap">
            <code>{data.reference}</code>
          </dd>
          <dt>Payout id</dt>
          <dd className="wrap">
            <code>{data.id}</code>
          </dd>
          <dt>Source</dt>
          <dd>{label(data.source)}</dd>
          <dt>Purpose</dt>
          <dd>{label(data.purpose)}</dd>
          <dt>Pay to</dt>
          <dd>
            {data.destination.type === 'email'
              ? data.destination.email
              : data.destination.type === 'stripe_account'
                ? `Stripe account ${data.destination.account}`
                : `${data.destination.account_holder_name}, IBAN ••••${data.destination.iban_last4}`}
          </dd>
          <dt>Created</dt>
          <dd>{dateTime(data.created_at)}</dd>
        </dl>
      </section>
      {manual && (
        <section aria-labelledby="documentation">
          <h2 id="documentation">Documentation</h2>
          <dl className="details">
            <dt>Requested by</dt>
            <dd>{actorName(manual.requested_by)}</dd>
            <dt>Customer reference</dt>
            <dd>{manual.customer_reference}</dd>
            <dt>Reason</dt>
            <dd>{label(manual.reason_code)}</dd>
            <dt>Rationale</dt>
            <dd className="prose">{manual.rationale}</dd>
            <dt>Ticket</dt>
            <dd className="wrap">
              <a href={manual.ticket_url} target="_blank" rel="noreferrer noopener">
                {manual.ticket_url}
              </a>
            </dd>
            <dt>Attachment</dt>
            <dd>
              {manual.attachment ? (
                <button type="button" className="link" onClick={() => download.mutate()}>
                  Download {manual.attachment.filename} ({Math.ceil(manual.attachment.size / 1024)} KB)
                </button>
              ) : (
                'None'
              )}
            </dd>
          </dl>
        </section>
      )}
      {approval && (
        <section aria-labelledby="approval">
          <h2 id="approval">Approval</h2>
          <p>
            Needs {approval.required} approval{approval.required > 1 ? 's' : ''} from people other than the
            requester;{' '}
            {status === 'pending_approval'
              ? `expires ${relative(approval.expires_at)} (${dateTime(approval.expires_at)})`
              : 'decided'}
            .
          </p>
          <ul className="decisions">
            {approval.approvals.map((entry) => (
              <li key={entry.user_id}>
                Approved by <strong>{entry.name}</strong> {dateTime(entry.at)}
                {entry.comment && <>: “{entry.comment}”</>}
              </li>
            ))}
            {approval.rejected_by && (
              <li>
                Rejected by <strong>{approval.rejected_by.name}</strong> {dateTime(approval.rejected_by.at)}
                {approval.rejected_by.comment && <>: “{approval.rejected_by.comment}”</>}
              </li>
            )}
            {approval.approvals.length === 0 && !approval.rejected_by && <li>No decision yet.</li>}
          </ul>
          {canDecide && (
            <form className="form" onSubmit={(event) => event.preventDefault()}>
              <Field label="Comment (optional)" hint="Shown on the payout and in the audit log.">
                {(input) => (
                  <textarea
                    {...input}
                    rows={2}
                    value={comment}
                    onChange={(event) => setComment(event.target.value)}
                  />
                )}
              </Field>
              <div className="row-actions">
                <button
                  type="button"
                  disabled={decideOn.isPending}
                  onClick={() => decideOn.mutate({ approve: true })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  className="danger"
                  disabled={decideOn.isPending}
                  onClick={() => {
                    decideOn.reset();
                    setRejectComment(comment);
                    setConfirming('reject');
                  }}
                >
                  Reject…
                </button>
              </div>
            </form>
          )}
        </section>
      )}
      <ConfirmDialog
        open={confirming === 'reject'}
        danger
        title="Reject this payout?"
        confirmLabel="Reject payout"
        confirmDisabled={rejectComment.trim() === '' || decideOn.isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          if (rejectComment.trim()) decideOn.mutate({ approve: false, comment: rejectComment.trim() });
        }}
      >
        <p>
          {payoutTitle(data)} will not be paid, and the decision cannot be undone: the requester can only
          submit a new request.
        </p>
        <ErrorNotice error={decideOn.error} />
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
      <ConfirmDialog
        open={confirming === 'cancel'}
        danger
        title="Cancel this payout?"
        confirmLabel="Cancel payout"
        confirmDisabled={cancel.isPending}
        onCancel={() => setConfirming(null)}
        onConfirm={() =>
          cancel.mutate(undefined, {
            onSuccess: () => setConfirming(null),
          })
        }
      >
        <p>{payoutTitle(data)} will not be paid.</p>
        <ErrorNotice error={cancel.error} />
      </ConfirmDialog>
      <section aria-labelledby="timeline">
        <h2 id="timeline">Timeline</h2>
        <ol className="timeline">
          {data.timeline.map((entry) => (
            <li key={`${entry.status}-${entry.at}`}>
              <StatusBadge status={entry.status} /> <time dateTime={entry.at}>{dateTime(entry.at)}</time>
              <span className="by"> by {actorName(entry.actor)}</span>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
