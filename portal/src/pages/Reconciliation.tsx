import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { formatMoney } from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import {
  ConfirmDialog,
  CsvDownloadButton,
  ErrorNotice,
  Field,
  fieldProblems,
  Loading,
  Notice,
  PageTitle,
  StatusBadge,
  useCursors,
} from '../components';
import { type Actor, actorName, dateTime, label } from '../format';
import type { List } from '../types';

/** The outcomes, differences first (the order the API lists items in), in the words a person reads. */
const OUTCOMES = [
  'amount_mismatch',
  'status_mismatch',
  'missing_at_provider',
  'unknown_at_provider',
  'pending',
  'matched',
] as const;
type Outcome = (typeof OUTCOMES)[number];
const OUTCOME_WORDS: Readonly<Record<Outcome, string>> = {
  amount_mismatch: 'Amount differs',
  status_mismatch: 'Status differs',
  missing_at_provider: 'Missing at provider',
  unknown_at_provider: 'Unknown at provider',
  pending: 'In flight',
  matched: 'Matched',
};
/** What each outcome means, for the counts and the filter. */
const OUTCOME_MEANINGS: Readonly<Record<Outcome, string>> = {
  amount_mismatch: 'both sides know the transfer, but the amount or currency differs',
  status_mismatch: 'both sides know the transfer, but disagree on what happened to it',
  missing_at_provider: 'we say the money went out; the provider has no such transfer',
  unknown_at_provider: 'the provider moved money for no payout of ours',
  pending: 'still on its way at the end of the day: the next day’s run looks again',
  matched: 'both sides agree',
};
const DIFFERENCES: readonly Outcome[] = OUTCOMES.slice(0, 4);
const outcomeWords = (outcome: string) => OUTCOME_WORDS[outcome as Outcome] ?? label(outcome);

type Side = { count: number; amount: number | null; amount_decimal: string };
interface Run {
  id: string;
  status: 'running' | 'completed' | 'failed';
  connector: string;
  date: string;
  trigger: 'request' | 'scheduled';
  requested_by: Actor;
  counts: Record<Outcome, number> | null;
  differences: number | null;
  totals: { currency: string; platform: Side; provider: Side }[] | null;
  progress: { provider_records: number; payouts: number };
  failure: string | null;
  created_at: string;
  completed_at: string | null;
  items_csv_url?: string;
}
interface Item {
  id: string;
  outcome: Outcome;
  payout_id: string | null;
  provider_reference: string | null;
  platform: { reference: string; amount: number; currency: string; status: string } | null;
  provider: {
    amount: number | null;
    currency: string | null;
    status: string;
    created_at: string | null;
    found_by: 'statement' | 'lookup';
  } | null;
  resolution: { resolved_by: Actor; note: string; resolved_at: string } | null;
}

/** A UTC day `offsetDays` from today: the form's default is yesterday, the last whole day. */
const utcDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const railName = (connector: string) => label(connector);
const runName = (run: Pick<Run, 'connector' | 'date'>) => `${railName(run.connector)}, ${run.date} (UTC day)`;
const differencesText = (count: number) => `${count} difference${count === 1 ? '' : 's'}`;
const sideText = (name: string, side: Side, currency: string) =>
  `${name}: ${side.count} paid, ${formatMoney(BigInt(side.amount_decimal), currency)}`;
const moneyOf = (amount: number | null, currency: string | null) =>
  amount !== null && currency ? formatMoney(amount, currency) : 'Amount not given';
const progressText = (run: Run) =>
  `Comparing: ${run.progress.provider_records} provider record${run.progress.provider_records === 1 ? '' : 's'} and ${run.progress.payouts} payout${run.progress.payouts === 1 ? '' : 's'} read so far.`;

/** Runs are polled every 2 s while one is still running. */
const POLL_MS = 2_000;

/** Reconciliation: run a rail's UTC day against the provider's records, and the runs so far. */
export function ReconciliationPage() {
  const queryClient = useQueryClient();
  const pages = useCursors();
  const query = new URLSearchParams({ limit: '20' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const runs = useQuery({
    queryKey: ['reconciliation-runs', query.toString()],
    queryFn: () => api<List<Run>>(`/reconciliation-runs?${query}`),
    placeholderData: keepPreviousData,
    refetchInterval: (current) =>
      current.state.data?.data.some((run) => run.status === 'running') ? POLL_MS : false,
  });
  const connectors = useQuery({
    queryKey: ['reconciliation-connectors'],
    queryFn: () => api<{ connectors: string[] }>('/reconciliation-runs/connectors'),
  });
  const [dayProblem, setDayProblem] = useState<string | undefined>();
  const request = useMutation({
    mutationFn: (body: { connector: string; date: string }) =>
      api<Run>('/reconciliation-runs', { method: 'POST', body }),
    onSuccess: () => {
      pages.reset();
      return queryClient.invalidateQueries({ queryKey: ['reconciliation-runs'] });
    },
  });
  // A problem the server found with a field is said beside it, in words.
  const besideField = (param: 'connector' | 'date') =>
    request.error instanceof ApiError && request.error.status === 400
      ? fieldProblems(request.error)
          .filter((problem) => problem.param === param)
          .map((problem) => `${param === 'connector' ? 'This rail' : 'The day'} ${problem.message}`)
          .join('; ') || undefined
      : undefined;
  const railProblem = besideField('connector');
  const shownDayProblem = dayProblem ?? besideField('date');
  const available = connectors.data?.connectors ?? [];
  const today = utcDay(0);

  return (
    <>
      <PageTitle guide="finance">Reconciliation</PageTitle>
      <p>
        Compare a payout rail's own record of a day with the payouts: every transfer the provider made and
        every payout that left, line by line. A run of the previous day is made every night; run a day again
        here at any time (each run is kept).
      </p>
      <form
        className="filters recon-form"
        aria-label="Run a reconciliation"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const date = String(form.get('date') ?? '').trim();
          const connector = String(form.get('connector') ?? '');
          request.reset();
          const problem = !date
            ? 'Choose a day'
            : date > today
              ? 'The day must be today or earlier (a UTC day)'
              : undefined;
          setDayProblem(problem);
          if (!problem && connector) request.mutate({ connector, date });
        }}
      >
        <Field label="Payout rail" error={railProblem}>
          {(input) => (
            <select {...input} name="connector" disabled={available.length === 0}>
              {available.map((connector) => (
                <option key={connector} value={connector}>
                  {railName(connector)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Day (UTC)" error={shownDayProblem}>
          {(input) => (
            <input {...input} type="date" name="date" required max={today} defaultValue={utcDay(-1)} />
          )}
        </Field>
        <p className="filters-note">
          A day is a UTC day (00:00–24:00 UTC): the provider's transfers and the payouts created in it.
        </p>
        <div className="filter-actions">
          <button type="submit" disabled={request.isPending || available.length === 0}>
            Run reconciliation
          </button>
        </div>
      </form>
      {connectors.isSuccess && available.length === 0 && (
        <p className="notice">No payout rail is set up yet: an admin sets one up under Payout rails.</p>
      )}
      {railProblem || shownDayProblem ? (
        <p className="notice error" role="alert">
          The run was not started: correct the fields marked above.
        </p>
      ) : (
        <ErrorNotice error={request.error ?? runs.error ?? connectors.error} />
      )}
      {request.isSuccess && (
        <Notice>
          Run of {runName(request.data)} started: it appears below and is done in moments.{' '}
          <Link to={`/reconciliation/${request.data.id}`}>Open the run</Link>
        </Notice>
      )}
      <h2>Runs, newest first</h2>
      {runs.isPending ? (
        <Loading what="reconciliation runs" />
      ) : (
        <table className="recon-table recon-runs">
          <caption className="visually-hidden">Reconciliation runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Day and rail</th>
              <th scope="col">Requested</th>
              <th scope="col">Status</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.data.map((run) => (
              <tr key={run.id}>
                <td data-label="Day and rail">
                  <Link to={`/reconciliation/${run.id}`}>{runName(run)}</Link>
                </td>
                <td data-label="Requested" className="wrap">
                  {dateTime(run.created_at)}
                  <br />
                  <small>
                    {run.trigger === 'scheduled' ? 'Nightly schedule' : actorName(run.requested_by)}
                  </small>
                </td>
                <td data-label="Status">
                  <StatusBadge status={run.status} />
                  {run.status === 'running' && <small className="recon-progress"> {progressText(run)}</small>}
                  {run.failure && <span className="failure"> {run.failure}</span>}
                </td>
                <td data-label="Result">
                  {run.counts ? (
                    <>
                      <strong className={run.differences ? 'recon-differs' : undefined}>
                        {differencesText(run.differences ?? 0)}
                      </strong>
                      <br />
                      <small>
                        {run.counts.matched} matched · {run.counts.pending} in flight
                      </small>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {runs.data?.data.length === 0 && <p className="empty">No runs yet.</p>}
      {pages.pager(runs.data)}
    </>
  );
}

/** One run: its counts and totals, then its items (differences first), each resolvable with a note. */
export function ReconciliationRunPage() {
  const { id = '' } = useParams();
  const run = useQuery({
    queryKey: ['reconciliation-run', id],
    queryFn: () => api<Run>(`/reconciliation-runs/${encodeURIComponent(id)}`),
    // Every 2 s while running; once completed, read again before the CSV link (valid 5 minutes) runs out.
    refetchInterval: (current) => {
      const status = current.state.data?.status;
      if (status === 'failed') return false;
      return status === 'completed' ? 4 * 60_000 : POLL_MS;
    },
  });
  const data = run.data;
  return (
    <>
      <PageTitle guide="finance">
        {data ? `Reconciliation of ${runName(data)}` : 'Reconciliation run'}
      </PageTitle>
      <p>
        <Link to="/reconciliation">Back to all runs</Link>
      </p>
      <ErrorNotice error={run.error} />
      {run.isPending && <Loading what="the run" />}
      {data && (
        <>
          <dl className="details">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={data.status} />
              {data.failure && <span className="failure"> {data.failure}</span>}
            </dd>
            <dt>Requested</dt>
            <dd className="wrap">
              {dateTime(data.created_at)} by{' '}
              {data.trigger === 'scheduled' ? 'the nightly schedule' : actorName(data.requested_by)}
            </dd>
            {data.completed_at && (
              <>
                <dt>Completed</dt>
                <dd>{dateTime(data.completed_at)}</dd>
              </>
            )}
          </dl>
          {data.status === 'running' && (
            <p className="loading recon-progress" role="status">
              {progressText(data)}
            </p>
          )}
          {data.status === 'completed' && data.counts && <RunResult run={data} counts={data.counts} />}
        </>
      )}
    </>
  );
}

function RunResult({ run, counts }: { run: Run; counts: Record<Outcome, number> }) {
  return (
    <>
      <h2>{differencesText(run.differences ?? 0)}</h2>
      <dl className="recon-counts" aria-label="Items per outcome">
        {OUTCOMES.map((outcome) => (
          <div
            key={outcome}
            className={DIFFERENCES.includes(outcome) && counts[outcome] > 0 ? 'recon-differs' : undefined}
          >
            <dt className="recon-count-name">{OUTCOME_WORDS[outcome]}</dt>
            <dd className="recon-count-value">{counts[outcome] ?? 0}</dd>
          </div>
        ))}
      </dl>
      <details className="recon-meanings">
        <summary>What each outcome means</summary>
        <ul>
          {OUTCOMES.map((outcome) => (
            <li key={outcome}>
              <strong>{OUTCOME_WORDS[outcome]}</strong>: {OUTCOME_MEANINGS[outcome]}.
            </li>
          ))}
        </ul>
      </details>
      <h2>Paid, per currency</h2>
      {run.totals && run.totals.length > 0 ? (
        <ul className="recon-totals">
          {run.totals.map((total) => {
            const differ =
              total.platform.count !== total.provider.count ||
              total.platform.amount_decimal !== total.provider.amount_decimal;
            return (
              <li key={total.currency} className={differ ? 'recon-differs' : undefined}>
                <span>{sideText('Ours', total.platform, total.currency)}</span> —{' '}
                <span>{sideText('Provider', total.provider, total.currency)}</span>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="empty">Nothing was paid on this day, on either side.</p>
      )}
      {run.items_csv_url && (
        <p>
          <a href={run.items_csv_url} download>
            Download every item as the run found it (CSV)
          </a>
        </p>
      )}
      <RunItems run={run} />
    </>
  );
}

function RunItems({ run }: { run: Run }) {
  const queryClient = useQueryClient();
  const pages = useCursors();
  const [outcome, setOutcome] = useState('');
  const [resolving, setResolving] = useState<Item | null>(null);
  const [note, setNote] = useState('');
  const [resolved, setResolved] = useState<string | null>(null);
  const query = new URLSearchParams({ limit: '25' });
  if (outcome) query.set('outcome', outcome);
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const items = useQuery({
    queryKey: ['reconciliation-items', run.id, query.toString()],
    queryFn: () => api<List<Item>>(`/reconciliation-runs/${run.id}/items?${query}`),
    placeholderData: keepPreviousData,
  });
  const resolve = useMutation({
    mutationFn: (input: { item: Item; note: string }) =>
      api<Item>(`/reconciliation-runs/${run.id}/items/${encodeURIComponent(input.item.id)}/resolve`, {
        method: 'POST',
        body: { note: input.note },
      }),
    onSuccess: (_answer, input) => {
      setResolved(`${itemName(input.item)} is resolved.`);
      setResolving(null);
      setNote('');
      return queryClient.invalidateQueries({ queryKey: ['reconciliation-items', run.id] });
    },
  });
  const noteTooShort = note.trim().length < 3;

  return (
    <section aria-labelledby="recon-items">
      <h2 id="recon-items">Items, differences first</h2>
      <div className="filters recon-filter">
        <Field label="Outcome">
          {(input) => (
            <select
              {...input}
              value={outcome}
              onChange={(event) => {
                setOutcome(event.target.value);
                pages.reset();
              }}
            >
              <option value="">All, differences first</option>
              {OUTCOMES.map((value) => (
                <option key={value} value={value}>
                  {OUTCOME_WORDS[value]} ({run.counts?.[value] ?? 0})
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="filter-actions">
          <CsvDownloadButton
            label="Download these items with resolutions (CSV)"
            path={`/reconciliation-runs/${run.id}/items`}
            filters={outcome ? { outcome } : {}}
            fileName={`reconciliation-${run.connector}-${run.date}${outcome ? `-${outcome}` : ''}.csv`}
          />
        </div>
      </div>
      {resolved && <Notice>{resolved}</Notice>}
      <ErrorNotice error={items.error ?? (resolving ? null : resolve.error)} />
      {items.isPending ? (
        <Loading what="items" />
      ) : (
        <table className="recon-table recon-items">
          <caption className="visually-hidden">Items of the run, differences first</caption>
          <thead>
            <tr>
              <th scope="col">Outcome</th>
              <th scope="col">Our payout</th>
              <th scope="col">Provider's record</th>
              <th scope="col">Resolution</th>
            </tr>
          </thead>
          <tbody>
            {items.data?.data.map((item) => (
              <tr
                key={item.id}
                className={DIFFERENCES.includes(item.outcome) ? 'recon-difference' : undefined}
              >
                <td data-label="Outcome">
                  <strong>{outcomeWords(item.outcome)}</strong>
                </td>
                <td data-label="Our payout" className="wrap">
                  {item.platform && item.payout_id ? (
                    <>
                      <Link to={`/payouts/${item.payout_id}`}>{item.platform.reference}</Link>
                      <br />
                      {formatMoney(item.platform.amount, item.platform.currency)}{' '}
                      <StatusBadge status={item.platform.status} />
                    </>
                  ) : (
                    <span className="muted">No payout of ours</span>
                  )}
                </td>
                <td data-label="Provider's record" className="wrap">
                  {item.provider ? (
                    <>
                      {item.provider_reference}
                      <br />
                      {moneyOf(item.provider.amount, item.provider.currency)}{' '}
                      <StatusBadge status={item.provider.status} />
                      <br />
                      <small>
                        {item.provider.found_by === 'statement'
                          ? `On the day's statement${item.provider.created_at ? `, ${dateTime(item.provider.created_at)}` : ''}`
                          : 'Found by asking the provider about this payout'}
                      </small>
                    </>
                  ) : (
                    <span className="muted">No record at the provider</span>
                  )}
                </td>
                <td data-label="Resolution" className="wrap">
                  {item.resolution ? (
                    <p className="recon-resolution">
                      Resolved by {actorName(item.resolution.resolved_by)},{' '}
                      {dateTime(item.resolution.resolved_at)}: “{item.resolution.note}”
                    </p>
                  ) : DIFFERENCES.includes(item.outcome) ? (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Resolve ${itemName(item)}`}
                      onClick={() => {
                        resolve.reset();
                        setResolved(null);
                        setNote('');
                        setResolving(item);
                      }}
                    >
                      Resolve
                    </button>
                  ) : (
                    <span className="muted">Nothing to resolve</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {items.data?.data.length === 0 && (
        <p className="empty">No items{outcome ? ' with this outcome' : ''}.</p>
      )}
      {pages.pager(items.data)}
      <ConfirmDialog
        open={resolving !== null}
        title={resolving ? `Resolve ${itemName(resolving)}?` : 'Resolve this difference?'}
        confirmLabel="Resolve difference"
        confirmDisabled={noteTooShort || resolve.isPending}
        onCancel={() => {
          setResolving(null);
          setNote('');
        }}
        onConfirm={() => {
          if (resolving && !noteTooShort) resolve.mutate({ item: resolving, note: note.trim() });
        }}
      >
        <p>
          Resolving records who settled the difference and why; it changes no payout and cannot be undone. The
          note is kept with the run and in the audit log.
        </p>
        <ErrorNotice error={resolving ? resolve.error : null} />
        <Field
          label="How was it settled? (required)"
          hint="At least 3 characters: what you checked, and what was done about it."
        >
          {(input) => (
            <textarea
              {...input}
              required
              minLength={3}
              maxLength={1000}
              rows={3}
              value={note}
              onChange={(event) => setNote(event.target.value)}
            />
          )}
        </Field>
      </ConfirmDialog>
    </section>
  );
}

/** An item as a person names it: "Amount differs: ref-123", or the provider's reference. */
function itemName(item: Item): string {
  const what = item.platform?.reference ?? item.provider_reference ?? 'a transfer';
  return `${outcomeWords(item.outcome)}: ${what}`;
}
