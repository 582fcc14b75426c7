import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { EVENT_TYPES } from '../../../shared/domain/catalog';
import { ApiError, api } from '../api';
import { ConfirmDialog, ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';
import type { List } from '../types';

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  enabled_events: string[];
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
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

/** What each object's events are called on this page (an object missing here is named by its code's words). */
const OBJECT_WORDS: Readonly<Record<string, string>> = {
  payout: 'Payouts',
  payout_batch: 'Batches',
  webhook_endpoint: 'Webhook endpoints',
  reconciliation_run: 'Reconciliation runs',
};

/** The event catalog grouped by the object it is about (`payout.paid` → Payouts), in the catalog's order. */
const EVENT_GROUPS = [...new Set(EVENT_TYPES.map((type) => type.split('.')[0] as string))].map((object) => ({
  object,
  heading: OBJECT_WORDS[object] ?? label(object),
  events: EVENT_TYPES.filter((type) => type.split('.')[0] === object),
}));

/** Events whose name alone does not say what happened. */
const EVENT_WORDS: Readonly<Record<string, string>> = {
  'payout.request_rejected': 'Request refused (event or file)',
};

/** "payout.paid" → "Paid" inside its group; the whole name elsewhere ("Payout paid"). */
const eventWords = (type: string) => EVENT_WORDS[type] ?? label(type.split('.').slice(1).join('.'));
const eventsInWords = (events: string[]) =>
  events.includes('*') ? 'All events' : events.map((type) => label(type)).join(', ');

/** How far back "Redeliver failed events" reaches (the API accepts at most 14 days). */
const RECOVERY_WINDOWS = [
  { hours: 1, words: 'the last hour' },
  { hours: 24, words: 'the last 24 hours' },
  { hours: 7 * 24, words: 'the last 7 days' },
  { hours: 14 * 24, words: 'the last 14 days' },
] as const;

/** The endpoint's recent deliveries (newest first): outcome, HTTP status and how long the receiver took. */
function Deliveries({ endpoint }: { endpoint: Endpoint }) {
  const attempts = useQuery({
    queryKey: ['attempts', endpoint.id],
    queryFn: () =>
      api<List<Attempt>>(`/webhook-endpoints/${encodeURIComponent(endpoint.id)}/attempts?limit=10`),
    refetchInterval: 15_000,
  });
  return (
    <div className="deliveries-of">
      <div className="page-title">
        <h3>Recent deliveries</h3>
        <button
          type="button"
          className="secondary"
          disabled={attempts.isFetching}
          onClick={() => attempts.refetch()}
          aria-label={`Refresh deliveries to ${endpoint.url}`}
        >
          Refresh
        </button>
      </div>
      <ErrorNotice error={attempts.error} />
      {attempts.isPending ? (
        <Loading what="deliveries" />
      ) : attempts.data?.data.length ? (
        // Focusable so a keyboard can scroll it sideways on a phone.
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
        <section className="table-scroll" aria-label={`Deliveries to ${endpoint.url}`} tabIndex={0}>
          <table className="deliveries">
            <caption className="visually-hidden">Recent deliveries to {endpoint.url}</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col" className="number">
                  Latency
                </th>
              </tr>
            </thead>
            <tbody>
              {attempts.data.data.map((attempt) => (
                <tr key={attempt.id}>
                  <td>{dateTime(attempt.attempted_at)}</td>
                  <td>{label(attempt.event_type)}</td>
                  <td>{attempt.attempt}</td>
                  <td>
                    <span className={`badge ${attempt.succeeded ? 'status-paid' : 'status-failed'}`}>
                      {attempt.succeeded ? 'Delivered' : 'Failed'}
                    </span>
                    {attempt.status_code ? ` HTTP ${attempt.status_code}` : ''}
                    {attempt.error ? <small className="muted"> {attempt.error}</small> : null}
                  </td>
                  <td className="number">{attempt.latency_ms.toLocaleString()} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        <p className="empty">No deliveries yet.</p>
      )}
    </div>
  );
}

/** One endpoint: what it receives, its deliveries, a new signing secret, redelivery of what failed. */
function EndpointCard({ endpoint }: { endpoint: Endpoint }) {
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [hours, setHours] = useState<number>(24);
  const rotate = useMutation({
    mutationFn: () =>
      api<{ secret: string }>(`/webhook-endpoints/${encodeURIComponent(endpoint.id)}/rotate-secret`, {
        method: 'POST',
      }),
  });
  const recover = useMutation({
    mutationFn: (since: string) =>
      api<{ recovered: number; truncated: boolean }>(
        `/webhook-endpoints/${encodeURIComponent(endpoint.id)}/recover`,
        { method: 'POST', body: { since } },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['attempts', endpoint.id] }),
  });
  const reach = RECOVERY_WINDOWS.find((choice) => choice.hours === hours) ?? RECOVERY_WINDOWS[1];
  return (
    <li className="card endpoint">
      <h3 className="endpoint-url">{endpoint.url}</h3>
      <dl className="details">
        <dt>Status</dt>
        <dd>
          {endpoint.status === 'enabled' ? 'Receiving events' : 'Turned off'}
          {endpoint.disabled_reason ? ` (${endpoint.disabled_reason})` : ''}
        </dd>
        {endpoint.description && (
          <>
            <dt>Description</dt>
            <dd>{endpoint.description}</dd>
          </>
        )}
        <dt>Events</dt>
        <dd>{eventsInWords(endpoint.enabled_events)}</dd>
        <dt>Added</dt>
        <dd>{dateTime(endpoint.created_at)}</dd>
      </dl>

      <Deliveries endpoint={endpoint} />

      <div className="row-actions endpoint-actions">
        <button
          type="button"
          className="danger"
          disabled={rotate.isPending}
          onClick={() => setAsking(true)}
          aria-label={`Rotate signing secret of ${endpoint.url}`}
        >
          Rotate signing secret
        </button>
        <Field label="Redeliver failed events of">
          {(input) => (
            <select {...input} value={hours} onChange={(event) => setHours(Number(event.target.value))}>
              {RECOVERY_WINDOWS.map((choice) => (
                <option key={choice.hours} value={choice.hours}>
                  {choice.words}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button
          type="button"
          className="secondary"
          disabled={recover.isPending}
          onClick={() => recover.mutate(new Date(Date.now() - hours * 3600_000).toISOString())}
          aria-label={`Redeliver failed events of ${reach.words} to ${endpoint.url}`}
        >
          Redeliver
        </button>
      </div>
      <ErrorNotice error={rotate.error ?? recover.error} />
      {rotate.data && (
        <Notice>
          New signing secret (shown once; copy it now): <code className="secret">{rotate.data.secret}</code>{' '}
          The old secret keeps signing deliveries for 24 hours, so your receiver can switch over without
          losing events.
        </Notice>
      )}
      {recover.data && (
        <Notice>
          {recover.data.recovered === 0
            ? `No failed deliveries in ${reach.words}: nothing to redeliver.`
            : `${recover.data.recovered.toLocaleString()} failed deliveries are being sent again.`}
          {recover.data.truncated ? ' More failed than one redelivery takes: ask again for the rest.' : ''}
        </Notice>
      )}
      <ConfirmDialog
        open={asking}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        danger
        onCancel={() => setAsking(false)}
        onConfirm={() => {
          setAsking(false);
          rotate.mutate();
        }}
      >
        <p>
          A new secret signs every delivery to <strong>{endpoint.url}</strong> from now on. The current secret
          also signs them for 24 more hours, then stops: update your receiver with the new secret within a
          day.
        </p>
        <p>The new secret is shown once, on this page.</p>
      </ConfirmDialog>
    </li>
  );
}

type Choice = 'all' | 'chosen';

/** The event picker: every event (also ones added later), or a chosen list grouped by object. */
function EventPicker(props: {
  choice: Choice;
  chosen: string[];
  onChoice: (choice: Choice) => void;
  onChosen: (events: string[]) => void;
  error: string | undefined;
}) {
  const errorId = 'enabled-events-error';
  return (
    <fieldset
      className={`event-picker${props.error ? ' invalid' : ''}`}
      aria-describedby={props.error ? errorId : undefined}
    >
      <legend>Events to send</legend>
      <label className="radio">
        <input
          type="radio"
          name="event-choice"
          value="all"
          checked={props.choice === 'all'}
          onChange={() => props.onChoice('all')}
        />
        All events, also ones added later
      </label>
      <label className="radio">
        <input
          type="radio"
          name="event-choice"
          value="chosen"
          checked={props.choice === 'chosen'}
          onChange={() => props.onChoice('chosen')}
        />
        Only the events I choose
      </label>
      {props.choice === 'chosen' && (
        <div className="event-groups">
          {EVENT_GROUPS.map((group) => (
            <fieldset key={group.object}>
              <legend>{group.heading}</legend>
              {group.events.map((type) => (
                <label key={type} className="checkbox">
                  <input
                    type="checkbox"
                    name="enabled_events"
                    value={type}
                    checked={props.chosen.includes(type)}
                    onChange={(event) =>
                      props.onChosen(
                        event.target.checked
                          ? [...props.chosen, type]
                          : props.chosen.filter((chosen) => chosen !== type),
                      )
                    }
                  />
                  {eventWords(type)} <code className="event-type">{type}</code>
                </label>
              ))}
            </fieldset>
          ))}
        </div>
      )}
      {props.error && (
        <p className="error-text" id={errorId}>
          {props.error}
        </p>
      )}
    </fieldset>
  );
}

/** The fields this form has: a server answer naming one of them is shown beside it. */
const FORM_FIELDS = ['url', 'enabled_events', 'description'];

/** Webhook endpoints: add one (its signing secret shown once), see deliveries, rotate, redeliver. */
export function WebhooksPage() {
  const queryClient = useQueryClient();
  const [choice, setChoice] = useState<Choice>('all');
  const [chosen, setChosen] = useState<string[]>([]);
  const [problems, setProblems] = useState<Record<string, string>>({});
  const form = useRef<HTMLFormElement>(null);
  const endpoints = useQuery({
    queryKey: ['endpoints'],
    queryFn: () => api<List<Endpoint>>('/webhook-endpoints'),
  });
  const create = useMutation({
    mutationFn: (body: { url: string; enabled_events: string[]; description?: string }) =>
      api<Endpoint & { secret: string }>('/webhook-endpoints', { method: 'POST', body }),
    onSuccess: () => {
      // A fresh form for the next endpoint; the notice keeps the secret of this one.
      form.current?.reset();
      setChoice('all');
      setChosen([]);
      return queryClient.invalidateQueries({ queryKey: ['endpoints'] });
    },
  });
  // A refusal naming a field of this form shows beside that field; anything else above the form.
  const fieldRefusal =
    create.error instanceof ApiError &&
    [create.error.param, ...create.error.details.map((detail) => detail.param)].some(
      (param) => param && FORM_FIELDS.includes(param),
    );
  const problem = (field: string) => problems[field] ?? fieldError(create.error, field);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const fields = new FormData(event.currentTarget);
    const url = String(fields.get('url') ?? '').trim();
    const description = String(fields.get('description') ?? '').trim();
    // Every problem at once, before asking the server (which checks the same and more).
    const found: Record<string, string> = {};
    if (!url) found.url = 'Enter the address that receives the events.';
    else if (!/^https?:\/\/\S+$/i.test(url)) found.url = 'Enter a full address starting with https://.';
    if (choice === 'chosen' && chosen.length === 0)
      found.enabled_events = 'Choose at least one event, or send all events.';
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    create.mutate({
      url,
      enabled_events: choice === 'all' ? ['*'] : EVENT_TYPES.filter((type) => chosen.includes(type)),
      ...(description ? { description } : {}),
    });
  }

  return (
    <>
      <PageTitle>Webhook endpoints</PageTitle>
      <p>
        The platform sends an event to each endpoint as it happens (a payout paid, failed, returned…), signed
        per Standard Webhooks with the endpoint's secret. Failed deliveries are retried for three days.
      </p>
      <ErrorNotice error={endpoints.error} />
      {endpoints.isPending ? (
        <Loading what="endpoints" />
      ) : endpoints.data?.data.length ? (
        <ul className="cards">
          {endpoints.data.data.map((endpoint) => (
            <EndpointCard key={endpoint.id} endpoint={endpoint} />
          ))}
        </ul>
      ) : (
        <p className="empty">No endpoints yet.</p>
      )}
      <section aria-labelledby="create-endpoint">
        <h2 id="create-endpoint">Add an endpoint</h2>
        <form ref={form} className="form" noValidate onSubmit={submit}>
          {Object.keys(problems).length > 0 || fieldRefusal ? (
            <div className="notice error" role="alert">
              The endpoint was not added: see the problems marked below.
            </div>
          ) : (
            <ErrorNotice error={create.error} />
          )}
          {create.data && (
            <Notice>
              {create.data.url} was added. Its signing secret (shown once; copy it now):{' '}
              <code className="secret">{create.data.secret}</code>
            </Notice>
          )}
          <Field
            label="URL"
            hint="Where events are sent, e.g. https://example.com/webhooks/payouts."
            error={problem('url')}
          >
            {(input) => <input {...input} name="url" type="url" required inputMode="url" />}
          </Field>
          <EventPicker
            choice={choice}
            chosen={chosen}
            onChoice={setChoice}
            onChosen={setChosen}
            error={problem('enabled_events')}
          />
          <Field label="Description (optional)" error={problem('description')}>
            {(input) => <input {...input} name="description" maxLength={500} />}
          </Field>
          <button type="submit" disabled={create.isPending}>
            Add endpoint
          </button>
        </form>
      </section>
    </>
  );
}
