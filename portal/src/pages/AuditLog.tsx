import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { auditLogFileName } from '../../../shared/domain/audit-text';
import { api } from '../api';
import { ACTION_CHOICES, type AuditEntryResource, changeSentence, objectHref } from '../audit-format';
import { CsvDownloadButton, ErrorNotice, Field, Loading, PageTitle, useCursors } from '../components';
import { dateTime } from '../format';
import type { List } from '../types';

/** The append-only audit log: who did what, when, from where, and what changed, in words. */
export function AuditLogPage() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const pages = useCursors();
  const query = new URLSearchParams({ limit: '25', ...filters });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const entries = useQuery({
    queryKey: ['audit', query.toString()],
    queryFn: () => api<List<AuditEntryResource>>(`/audit-log?${query}`),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <form
        className="filters"
        aria-label="Filter the audit log"
        onSubmit={(event) => {
          event.preventDefault();
          const form = new FormData(event.currentTarget);
          const next: Record<string, string> = {};
          const action = String(form.get('action') ?? '');
          const target = String(form.get('target_id') ?? '').trim();
          const from = String(form.get('from') ?? '');
          const to = String(form.get('to') ?? '');
          if (action) next.action = action;
          if (target) next.target_id = target;
          if (from) next.created_gte = new Date(`${from}T00:00:00`).toISOString();
          if (to) next.created_lt = new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString();
          pages.reset();
          setFilters(next);
        }}
      >
        <Field label="Action">
          {(input) => (
            <select {...input} name="action" defaultValue="">
              <option value="">Any</option>
              {ACTION_CHOICES.map((choice) => (
                <option key={choice.value} value={choice.value}>
                  {choice.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Object ID" hint="A payout's or batch's ID, as its page shows it">
          {(input) => <input {...input} name="target_id" />}
        </Field>
        <Field label="From">{(input) => <input {...input} type="date" name="from" />}</Field>
        <Field label="To (including that day)">{(input) => <input {...input} type="date" name="to" />}</Field>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          <CsvDownloadButton
            label="Download these entries (CSV)"
            path="/audit-log"
            filters={filters}
            fileName={auditLogFileName({ action: filters.action })}
          />
        </div>
      </form>
      <p className="hint">
        Days are your local days. The download holds every entry of the filter applied, not only this page.
      </p>
      <ErrorNotice error={entries.error} />
      {entries.isPending ? (
        <Loading what="the audit log" />
      ) : (
        <ol className="cards audit-entries" aria-label="Audit entries, newest first">
          {entries.data?.data.map((entry) => (
            <AuditEntryCard key={entry.id} entry={entry} />
          ))}
        </ol>
      )}
      {entries.data?.data.length === 0 && <p className="empty">No entries match.</p>}
      {pages.pager(entries.data)}
    </>
  );
}

function AuditEntryCard({ entry }: { entry: AuditEntryResource }) {
  const href = objectHref(entry.target);
  return (
    <li className="card audit-entry">
      <p className="audit-headline">
        <strong>{entry.action_text}</strong> by {entry.actor.label}
      </p>
      <dl className="details">
        <dt>When</dt>
        <dd>{dateTime(entry.at)}</dd>
        <dt>Object</dt>
        <dd>{href ? <Link to={href}>{entry.target.label}</Link> : entry.target.label}</dd>
        <dt>Changes</dt>
        <dd>
          {entry.changes_text.length === 0 ? (
            'None recorded'
          ) : (
            <ul className="audit-changes">
              {entry.changes_text.map((change) => (
                <li key={changeSentence(change)}>
                  {change.field}: <del>{change.before}</del> → <ins>{change.after}</ins>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>From</dt>
        <dd>{entry.source_ip ?? '—'}</dd>
      </dl>
    </li>
  );
}
