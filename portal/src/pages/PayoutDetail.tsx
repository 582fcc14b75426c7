import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation, useParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Loading, Notice, PageTitle, StatusBadge } from '../components';
import { actorName, dateTime, label, money } from '../format';
import type { Me, PortalPayout } from '../types';

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
      ['queued', 'processing'].includes(query.state.data?.status ?? '') ? 2000 : false,
  });
  const cancel = useMutation({
    mutationFn: () => api<PortalPayout>(`/payouts/${encodeURIComponent(id)}/cancel`, { method: 'POST' }),
    onSuccess: (updated) => {
      queryClient.setQueryData(['payout', id], updated);
      return queryClient.invalidateQueries({ queryKey: ['payouts'] });
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
  const canCancel = me.permissions.includes('payouts.cancel') && CANCELABLE.includes(data.status);

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
                if (window.confirm('Cancel this payout? It will not be paid.')) cancel.mutate();
              }}
            >
              Cancel payout
            </button>
          )
        }
      >
        {`${money(data.amount, data.currency)} · ${data.reference}`}
      </PageTitle>
      {(location.state as { created?: boolean } | null)?.created && <Notice>The payout was created.</Notice>}
      <ErrorNotice error={cancel.error ?? download.error} />
      <section aria-labelledby="details">
        <h2 id="details">Details</h2>
        <dl className="details">
          <dt>Status</dt>
          <dd>
            <StatusBadge status={data.status} />
            {data.failure_message && <span className="failure"> {data.failure_message}</span>}
          </dd>
          <dt>Payout id</dt>
          <dd>
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
            <dd>
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
