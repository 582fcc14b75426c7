import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api';
import { ErrorNotice, Field, Loading, PageTitle, StatusBadge, useCursors } from '../components';
import { fieldName } from '../fields';
import { dateTime, label } from '../format';
import type { List, Me } from '../types';

interface Batch {
  id: string;
  status: 'accepted' | 'processing' | 'completed';
  total: number;
  expanded: number;
  counts: Record<string, number>;
  created_at: string;
  completed_at: string | null;
}

interface CheckResult {
  rows: number;
  /** How the cells were read: `semicolon` when a spreadsheet saved the file so. */
  separator?: 'comma' | 'semicolon' | 'tab';
  problems: { param: string; message: string; line: number | null; column: string | null }[];
  totals: { currency: string; count: number; amount_decimal: string; amount_text: string }[];
  preview: {
    line: number;
    reference: string;
    amount_text: string;
    currency: string;
    purpose: string;
    payee: string;
  }[];
}

const FINAL = ['paid', 'failed', 'rejected', 'expired', 'canceled', 'duplicate'];
const finished = (batch: Batch) => FINAL.reduce((sum, key) => sum + (batch.counts[key] ?? 0), 0);

/** A batch's progress as a native <progress> (announced by screen readers) with its figure. */
function BatchProgress({ batch }: { batch: Batch }) {
  const done = finished(batch);
  return (
    <span className="batch-progress">
      <progress
        max={batch.total}
        value={done}
        aria-label={`Batch ${batch.id}: ${done} of ${batch.total} final`}
      />{' '}
      {done.toLocaleString()} / {batch.total.toLocaleString()}
    </span>
  );
}

function Counts({ batch }: { batch: Batch }) {
  const shown = Object.entries(batch.counts).filter(([, value]) => value > 0);
  if (shown.length === 0) return <span className="muted">—</span>;
  return <>{shown.map(([key, value]) => `${label(key)} ${value.toLocaleString()}`).join(' · ')}</>;
}

const EXAMPLE =
  'reference,amount,currency,purpose,description,account_holder_name,iban,bic,email,metadata.employee_id';

/** "lines 2, 4 and 5": the lines a file's problems are on. */
function linesText(problems: CheckResult['problems']): string {
  const lines = [...new Set(problems.flatMap((problem) => (problem.line === null ? [] : [problem.line])))];
  if (lines.length === 0) return '';
  const shown = lines.slice(0, 20).map(String);
  const last = lines.length > 20 ? `${lines.length - 20} more` : shown.pop();
  return ` on line${lines.length === 1 ? '' : 's'} ${shown.length > 0 ? `${shown.join(', ')} and ${last}` : last}`;
}

/** Where in the file a problem is, in words: the column's name, or the file's own part. */
function whereText(problem: CheckResult['problems'][number]): string {
  if (problem.column) return fieldName(problem.column);
  return problem.line === null ? fieldName(problem.param) : 'The row';
}

/**
 * Bulk payouts from a CSV file: the file is checked on the server (every problem with its line and
 * column, totals per currency, the first rows) before anything is created; then it becomes one batch.
 */
function Upload() {
  const navigate = useNavigate();
  const [file, setFile] = useState<{ name: string; csv: string; key: string } | undefined>();
  const check = useMutation({
    mutationFn: (csv: string) => api<CheckResult>('/payout-batches/check', { method: 'POST', body: { csv } }),
  });
  const create = useMutation({
    mutationFn: () =>
      api<Batch>('/payout-batches', {
        method: 'POST',
        body: { csv: file?.csv },
        // One key per chosen file: a double click or a retry creates the batch once.
        idempotencyKey: file?.key,
      }),
    onSuccess: (batch) => navigate(`/batches/${batch.id}`),
  });
  const result = check.data;
  return (
    <section aria-labelledby="upload-heading" className="panel">
      <h2 id="upload-heading">Upload a CSV file</h2>
      <p>
        One payout per row, with a header: <code>{EXAMPLE}</code>. Amounts are decimals in the currency (
        <code>2500.00</code> EUR, always with a point). Commas or semicolons may separate the cells, as
        spreadsheets save CSV in many countries. Give an <code>iban</code> (and{' '}
        <code>account_holder_name</code>) for a bank transfer, or an <code>email</code>. References must be
        new: a reference already used is counted as a duplicate and not paid again. Payouts you upload need
        approval from someone else, as manual payouts do.
      </p>
      <Field label="CSV file" hint="Up to 10,000 rows (about 5 MB).">
        {(input) => (
          <input
            {...input}
            type="file"
            accept=".csv,text/csv"
            onChange={async (event) => {
              const chosen = event.currentTarget.files?.[0];
              create.reset();
              if (!chosen) return setFile(undefined);
              const csv = await chosen.text();
              setFile({ name: chosen.name, csv, key: crypto.randomUUID() });
              check.mutate(csv);
            }}
          />
        )}
      </Field>
      {check.isPending && <Loading what="the file's check" />}
      <ErrorNotice error={check.error ?? create.error} />
      {result && file && (
        <div aria-live="polite">
          {result.separator && result.separator !== 'comma' && (
            <p className="notice info" role="status">
              The file was read as {result.separator}-separated, as spreadsheets save CSV in many countries.
            </p>
          )}
          {result.problems.length > 0 ? (
            <>
              <p className="notice error" role="alert">
                <strong>
                  The file has {result.problems.length} problem{result.problems.length === 1 ? '' : 's'}
                  {linesText(result.problems)}.
                </strong>{' '}
                Fix them in the file and choose it again; nothing was created.
              </p>
              <table>
                <caption>Problems in {file.name}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="number">
                      Line
                    </th>
                    <th scope="col">Where</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {result.problems.slice(0, 500).map((problem) => (
                    <tr key={`${problem.param}-${problem.message}`}>
                      <td className="number">{problem.line ?? '—'}</td>
                      <td>{whereText(problem)}</td>
                      <td>{problem.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          ) : (
            <>
              <p>
                <strong>{result.rows.toLocaleString()} payouts</strong> in {file.name}, totalling{' '}
                {result.totals.map((total) => total.amount_text).join(', ')}.
              </p>
              <table>
                <caption>
                  Preview{result.rows > result.preview.length ? ` (first ${result.preview.length} rows)` : ''}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="number">
                      Line
                    </th>
                    <th scope="col">Reference</th>
                    <th scope="col">Payee</th>
                    <th scope="col">Purpose</th>
                    <th scope="col" className="number">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {result.preview.map((row) => (
                    <tr key={row.line}>
                      <td className="number">{row.line}</td>
                      <td>{row.reference}</td>
                      <td>{row.payee}</td>
                      <td>{label(row.purpose)}</td>
                      <td className="number">{row.amount_text}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <button type="button" disabled={create.isPending} onClick={() => create.mutate()}>
                Create batch of {result.rows.toLocaleString()} payouts
              </button>
            </>
          )}
        </div>
      )}
    </section>
  );
}

/** Batches, newest first, with their progress; and the CSV upload for those who may create them. */
export function BatchesPage({ me }: { me: Me }) {
  const pages = useCursors();
  const query = new URLSearchParams({ limit: '20' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const batches = useQuery({
    queryKey: ['batches', query.toString()],
    queryFn: () => api<List<Batch>>(`/payout-batches?${query}`),
    refetchInterval: (current) =>
      current.state.data?.data.some((batch) => batch.status !== 'completed') ? 2000 : false,
  });
  return (
    <>
      <PageTitle>Batches</PageTitle>
      {me.permissions.includes('payouts.create_batch') && <Upload />}
      <h2>Recent batches</h2>
      <ErrorNotice error={batches.error} />
      {batches.isPending ? (
        <Loading what="batches" />
      ) : (
        <table>
          <caption className="visually-hidden">Batches, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Created</th>
              <th scope="col">Batch</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col">Counts</th>
            </tr>
          </thead>
          <tbody>
            {batches.data?.data.map((batch) => (
              <tr key={batch.id}>
                <td>{dateTime(batch.created_at)}</td>
                <td>
                  <Link to={`/batches/${batch.id}`}>{batch.id}</Link>
                </td>
                <td>
                  <StatusBadge status={batch.status} />
                </td>
                <td>
                  <BatchProgress batch={batch} />
                </td>
                <td>
                  <Counts batch={batch} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {batches.data?.data.length === 0 && <p className="empty">No batches yet.</p>}
      {pages.pager(batches.data)}
    </>
  );
}

/** One batch: live progress until every payout is final, then the exact counts. */
export function BatchDetailPage() {
  const { id = '' } = useParams();
  const batch = useQuery({
    queryKey: ['batch', id],
    queryFn: () => api<Batch>(`/payout-batches/${id}`),
    refetchInterval: (current) => (current.state.data?.status === 'completed' ? false : 1500),
  });
  if (batch.isPending) return <Loading what="the batch" />;
  if (!batch.data) return <ErrorNotice error={batch.error} />;
  const data = batch.data;
  return (
    <>
      <PageTitle>{`Batch ${data.id}`}</PageTitle>
      <p>
        <StatusBadge status={data.status} /> Created {dateTime(data.created_at)}
        {data.completed_at && `, completed ${dateTime(data.completed_at)}`}.
      </p>
      <p>
        <BatchProgress batch={data} />
      </p>
      <p className="muted">
        {data.status === 'completed'
          ? 'Every payout of the batch is final; the counts below are exact.'
          : `Expanded ${data.expanded.toLocaleString()} of ${data.total.toLocaleString()} items so far; counts update live.`}
      </p>
      <table>
        <caption>Payouts of the batch by status</caption>
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col" className="number">
              Payouts
            </th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(data.counts).map(([key, value]) => (
            <tr key={key}>
              <th scope="row">{key === 'duplicate' ? 'Duplicate (reference already used)' : label(key)}</th>
              <td className="number">{value.toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {(data.counts.pending_approval ?? 0) > 0 && (
        <p>
          <Link to="/approvals">
            {data.counts.pending_approval?.toLocaleString()} payouts wait for approval
          </Link>
          .
        </p>
      )}
      <p>
        <Link to="/batches">All batches</Link>
      </p>
    </>
  );
}
