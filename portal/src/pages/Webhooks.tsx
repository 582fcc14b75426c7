import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime } from '../format';
import type { List } from '../types';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: string;
  created_at: string;
}

interface Attempt {
  id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  succeeded: boolean;
  error: string | null;
}

function Attempts({ endpoint }: { endpoint: Endpoint }) {
  const queryClient = useQueryClient();
  const attempts = useQuery({
    queryKey: ['attempts', endpoint.id],
    queryFn: () =>
      api<List<Attempt>>(`/webhook-endpoints/${encodeURIComponent(endpoint.id)}/attempts?limit=20`),
  });
  const recover = useMutation({
    mutationFn: (since: string) =>
      api<{ recovered: number }>(`/webhook-endpoints/${encodeURIComponent(endpoint.id)}/recover`, {
        method: 'POST',
        body: { since },
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['attempts', endpoint.id] }),
  });
  return (
    <section aria-label={`Delivery attempts to ${endpoint.url}`}>
      <h3>Recent delivery attempts</h3>
      <ErrorNotice error={attempts.error ?? recover.error} />
      {recover.data && <Notice>{recover.data.recovered} failed deliveries queued again.</Notice>}
      {attempts.isPending ? (
        <Loading what="attempts" />
      ) : attempts.data?.data.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Attempt</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {attempts.data.data.map((attempt) => (
              <tr key={attempt.id}>
                <td>{dateTime(attempt.attempted_at)}</td>
                <td>{attempt.event_type}</td>
                <td>{attempt.attempt}</td>
                <td>
                  {attempt.succeeded ? 'Delivered' : 'Failed'}
                  {attempt.status_code ? ` (HTTP ${attempt.status_code}, ${attempt.latency_ms} ms)` : ''}
                  {attempt.error ? ` — ${attempt.error}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="empty">No deliveries yet.</p>
      )}
      <button
        type="button"
        className="secondary"
        disabled={recover.isPending}
        onClick={() => recover.mutate(new Date(Date.now() - 24 * 3600_000).toISOString())}
      >
        Redeliver failed events of the last 24 hours
      </button>
    </section>
  );
}

/** Webhook endpoints: create (the signing secret is shown once), see attempts, recover failed deliveries. */
export function WebhooksPage() {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<string | undefined>();
  const endpoints = useQuery({
    queryKey: ['endpoints'],
    queryFn: () => api<List<Endpoint>>('/webhook-endpoints'),
  });
  const create = useMutation({
    mutationFn: (body: { url: string; description?: string }) =>
      api<Endpoint & { secret: string }>('/webhook-endpoints', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['endpoints'] }),
  });
  return (
    <>
      <PageTitle>Webhook endpoints</PageTitle>
      <ErrorNotice error={endpoints.error} />
      {endpoints.isPending ? (
        <Loading what="endpoints" />
      ) : endpoints.data?.data.length ? (
        <ul className="cards">
          {endpoints.data.data.map((endpoint) => (
            <li key={endpoint.id} className="card">
              <p>
                <strong>{endpoint.url}</strong> — {endpoint.status}, created {dateTime(endpoint.created_at)}
              </p>
              {endpoint.description && <p>{endpoint.description}</p>}
              <p>Events: {endpoint.enabled_events.join(', ')}</p>
              <button
                type="button"
                className="secondary"
                aria-expanded={open === endpoint.id}
                onClick={() => setOpen(open === endpoint.id ? undefined : endpoint.id)}
              >
                {open === endpoint.id ? 'Hide attempts' : 'Show delivery attempts'}
              </button>
              {open === endpoint.id && <Attempts endpoint={endpoint} />}
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">No endpoints yet.</p>
      )}
      <section aria-labelledby="create-endpoint">
        <h2 id="create-endpoint">Add an endpoint</h2>
        <form
          className="form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const form = new FormData(event.currentTarget);
            const description = String(form.get('description') ?? '').trim();
            create.mutate({ url: String(form.get('url') ?? ''), ...(description ? { description } : {}) });
          }}
        >
          <ErrorNotice error={create.error} />
          {create.data && (
            <Notice>
              Signing secret (shown once): <code className="secret">{create.data.secret}</code>
            </Notice>
          )}
          <Field
            label="URL"
            hint="Where events are POSTed, signed per Standard Webhooks."
            error={fieldError(create.error, 'url')}
          >
            {(input) => (
              <input
                {...input}
                name="url"
                type="url"
                required
                placeholder="https://example.com/webhooks/payouts"
              />
            )}
          </Field>
          <Field label="Description (optional)" error={fieldError(create.error, 'description')}>
            {(input) => <input {...input} name="description" maxLength={200} />}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Add endpoint
          </button>
        </form>
      </section>
    </>
  );
}
