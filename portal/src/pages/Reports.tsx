import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from '../../../shared/domain/catalog';
import { isPayableCurrency } from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import {
  ChoiceFilter,
  ErrorNotice,
  Field,
  Loading,
  Notice,
  PageTitle,
  StatusBadge,
  useCursors,
} from '../components';
import { type Actor, actorName, dateTime, label } from '../format';
import type { List } from '../types';
import { UTC_DAYS_NOTE, utcDayEnd, utcDayStart } from './Payouts';

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

type ReportField = 'from' | 'to' | 'currency';

/** The report request's fields behind the API's parameters, and its code names in words. */
const FIELD_OF_PARAM: Readonly<Record<string, ReportField>> = {
  created_gte: 'from',
  created_lt: 'to',
  currency: 'currency',
};
const inWords = (message: string) =>
  message.replace(/created_gte/g, 'the "from" day').replace(/created_lt/g, 'the "to" day');

/** A request's filters from the form: the currency in upper case, days as UTC days, "to" included. */
function reportRequest(form: FormData) {
  const text = (name: string) => String(form.get(name) ?? '').trim();
  const from = text('from');
  const to = text('to');
  const currency = text('currency').toUpperCase();
  const problems: Partial<Record<ReportField, string>> = {};
  if (!from) problems.from = 'Choose the first day';
  if (!to) problems.to = 'Choose the last day';
  else if (from && to < from) problems.to = 'The "to" day is before the "from" day';
  // One message for a currency, whatever is wrong with it ("eur" is read as EUR).
  if (currency && !isPayableCurrency(currency))
    problems.currency = `${currency} is not a currency payouts are made in: use a code such as EUR`;
  const filters = Object.fromEntries(
    ['status', 'source', 'purpose']
      .map((name) => [name, text(name)])
      .concat([['currency', currency]])
      .filter(([, value]) => value),
  );
  return {
    problems,
    body: {
      created_gte: from ? utcDayStart(from) : '',
      created_lt: to ? utcDayEnd(to) : '',
      ...filters,
    },
  };
}

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
  const [problems, setProblems] = useState<Partial<Record<ReportField, string>>>({});
  const request = useMutation({
    mutationFn: (body: ReturnType<typeof reportRequest>['body']) =>
      api<Report>('/reports', { method: 'POST', body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['reports'] }),
  });
  // A problem the server found with a field is shown beside it, in words, and only there.
  const serverProblems: Partial<Record<ReportField, string>> = {};
  if (request.error instanceof ApiError && request.error.status === 400) {
    const details = request.error.details.length
      ? request.error.details
      : [{ param: request.error.param ?? '', message: request.error.message }];
    for (const detail of details) {
      const field = FIELD_OF_PARAM[detail.param];
      if (field) serverProblems[field] = `This ${inWords(detail.message)}`;
    }
  }
  const shownProblems = { ...serverProblems, ...problems };
  const hasProblems = Object.keys(shownProblems).length > 0;
  /** Both files of a ready report: the payouts CSV and the totals CSV (links are fetched fresh). */
  const download = useMutation({
    mutationFn: async ({ id, file }: { id: string; file: 'payouts' | 'totals' }) => {
      const report = await api<{ download_url: string; summary_url: string }>(`/reports/${id}`);
      return file === 'payouts' ? report.download_url : report.summary_url;
    },
    onSuccess: (url) => window.location.assign(url),
  });

  return (
    <>
      <PageTitle>Reports</PageTitle>
      <p>
        Payout exports for reconciliation. Each ready report has two downloads: the payouts CSV, one row per
        payout created in the range, with its documentation (customer reference, attachment), requester,
        approvers and masked destination; and the totals CSV, the count and sum per currency and status. A
        report of the previous day is made every night.
      </p>
      <form
        className="filters"
        aria-label="Request a report"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const { problems: found, body } = reportRequest(new FormData(event.currentTarget));
          setProblems(found);
          request.reset();
          if (Object.keys(found).length === 0) request.mutate(body);
        }}
      >
        <Field label="From (UTC day)" error={shownProblems.from}>
          {(input) => <input {...input} type="date" name="from" required defaultValue={isoDay(-30)} />}
        </Field>
        <Field label="To (UTC day, included)" error={shownProblems.to}>
          {(input) => <input {...input} type="date" name="to" required defaultValue={isoDay(0)} />}
        </Field>
        <ChoiceFilter label="Status" name="status" options={PAYOUT_STATUSES} />
        <ChoiceFilter label="Source" name="source" options={PAYOUT_SOURCES} />
        <ChoiceFilter label="Purpose" name="purpose" options={PAYOUT_PURPOSES} />
        <Field label="Currency" hint="Any, or a code such as EUR" error={shownProblems.currency}>
          {(input) => (
            <input
              {...input}
              name="currency"
              maxLength={3}
              autoComplete="off"
              // Upper case as it is typed: "eur" is EUR.
              onChange={(event) => {
                event.currentTarget.value = event.currentTarget.value.toUpperCase();
              }}
            />
          )}
        </Field>
        <p className="filters-note">{UTC_DAYS_NOTE}</p>
        <div className="filter-actions">
          <button type="submit" disabled={request.isPending}>
            Request export
          </button>
        </div>
      </form>
      {hasProblems ? (
        <p className="notice error" role="alert">
          The report was not requested: correct the fields marked above.
        </p>
      ) : (
        <ErrorNotice error={request.error ?? reports.error ?? download.error} />
      )}
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
                <span className="visually-hidden">Downloads</span>
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
                    .map((name) => {
                      const value = report.filters[name] ?? '';
                      return ` · ${label(name)}: ${name === 'currency' ? value : label(value)}`;
                    })
                    .join('')}
                </td>
                <td>
                  <StatusBadge status={report.status} />
                  {report.failure && <span className="failure"> {report.failure}</span>}
                </td>
                <td className="number">{report.rows ?? '—'}</td>
                <td>
                  {report.status === 'ready' && (
                    <div className="report-downloads">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Download payouts CSV of the report requested ${dateTime(report.created_at)}`}
                        onClick={() => download.mutate({ id: report.id, file: 'payouts' })}
                      >
                        Download payouts CSV
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Download totals CSV of the report requested ${dateTime(report.created_at)}`}
                        onClick={() => download.mutate({ id: report.id, file: 'totals' })}
                      >
                        Download totals CSV
                      </button>
                    </div>
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
