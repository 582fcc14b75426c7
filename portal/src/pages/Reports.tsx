import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from '../../../shared/domain/catalog';
import { api } from '../api';
import {
  ChoiceFilter,
  ErrorNotice,
  Field,
  fieldError,
  Loading,
  Notice,
  PageTitle,
  StatusBadge,
  useCursors,
} from '../components';
import { type Actor, actorName, dateTime, label } from '../format';
import type { List } from '../types';

interface Report {
  id: string;
  status: 'pending' | 'running' | 'ready' | 'failed';
  trigger: 'request' | 'scheduled';
  filters: Record<string, string | null>;
  requested_by: Actor;
  rows: number | null;
  failure: string | null;
  created_at: string;
  completed_at: string | null;
}

const isoDay = (offsetDays: number) =>
  new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

/** Reports for finance: request a CSV export, watch it finish, download it (links valid 5 minutes). */
export function ReportsPage() {
  const queryClient = useQueryClient();
  const pages = useCursors();
  const query = new URLSearchParams({ limit: '20' });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const reports = useQuery({
    queryKey: ['reports', query.toString()],
    queryFn: () => api<List<Report>>(`/reports?${query}`),
    // Poll while an export is still running.
    refetchInterval: (current) =>
      current.state.data?.data.some((report) => report.status === 'pending' || report.status === 'running')
        ? 1500
        : false,
  });
  const request = useMutation({
    mutationFn: (form: FormData) => {
      const text = (name: string) => String(form.get(name) ?? '');
      const from = text('from');
      const to = text('to');
      const filters = Object.fromEntries(
        ['status', 'source', 'purpose', 'currency']
          .map((name) => [name, text(name).trim()])
          .filter(([, value]) => value),
      );
      return api<Report>('/reports', {
        method: 'POST',
        body: {
          created_gte: from ? new Date(`${from}T00:00:00Z`).toISOString() : '',
          created_lt: to ? new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString() : '',
          ...filters,
        },
      });
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['reports'] }),
  });
  const download = useMutation({
    mutationFn: (id: string) => api<{ download_url: string }>(`/reports/${id}`),
    onSuccess: ({ download_url }) => window.location.assign(download_url),
  });

  return (
    <>
      <PageTitle>Reports</PageTitle>
      <p>
        Payout exports for reconciliation: one CSV row per payout created in the range (UTC days), with its
        documentation, requester, approvers and masked destination, and a totals file per currency and status.
        A report of the previous day is made every night.
      </p>
      <form
        className="filters"
        aria-label="Request a report"
        onSubmit={(event) => {
          event.preventDefault();
          request.mutate(new FormData(event.currentTarget));
        }}
      >
        <Field label="From (UTC day)" error={fieldError(request.error, 'created_gte')}>
          {(input) => <input {...input} type="date" name="from" required defaultValue={isoDay(-30)} />}
        </Field>
        <Field label="To (UTC day, included)" error={fieldError(request.error, 'created_lt')}>
          {(input) => <input {...input} type="date" name="to" required defaultValue={isoDay(0)} />}
        </Field>
        <ChoiceFilter label="Status" name="status" options={PAYOUT_STATUSES} />
        <ChoiceFilter label="Source" name="source" options={PAYOUT_SOURCES} />
        <ChoiceFilter label="Purpose" name="purpose" options={PAYOUT_PURPOSES} />
        <Field label="Currency" error={fieldError(request.error, 'currency')}>
          {(input) => <input {...input} name="currency" maxLength={3} placeholder="EUR" />}
        </Field>
        <div className="filter-actions">
          <button type="submit" disabled={request.isPending}>
            Request export
          </button>
        </div>
      </form>
      <ErrorNotice error={request.error ?? reports.error ?? download.error} />
      {request.isSuccess && <Notice>Export requested: it appears below and is ready in moments.</Notice>}
      {reports.isPending ? (
        <Loading what="reports" />
      ) : (
        <table>
          <caption className="visually-hidden">Reports, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Requested</th>
              <th scope="col">By</th>
              <th scope="col">Range and filters</th>
              <th scope="col">Status</th>
              <th scope="col" className="number">
                Rows
              </th>
              <th scope="col">
                <span className="visually-hidden">Download</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {reports.data?.data.map((report) => (
              <tr key={report.id}>
                <td>{dateTime(report.created_at)}</td>
                <td>{report.trigger === 'scheduled' ? 'Daily schedule' : actorName(report.requested_by)}</td>
                <td>
                  {report.filters.created_gte?.slice(0, 10)} to{' '}
                  {new Date(Date.parse(report.filters.created_lt ?? '') - 1).toISOString().slice(0, 10)}
                  {['status', 'source', 'purpose', 'currency']
                    .filter((name) => report.filters[name])
                    .map((name) => ` · ${label(name)}: ${report.filters[name]}`)
                    .join('')}
                </td>
                <td>
                  <StatusBadge status={report.status} />
                  {report.failure && <span className="failure"> {report.failure}</span>}
                </td>
                <td className="number">{report.rows ?? '—'}</td>
                <td>
                  {report.status === 'ready' && (
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Download CSV of the report requested ${dateTime(report.created_at)}`}
                      onClick={() => download.mutate(report.id)}
                    >
                      Download CSV
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reports.data?.data.length === 0 && <p className="empty">No reports yet.</p>}
      {pages.pager(reports.data)}
    </>
  );
}
