import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { AUDIT_ACTIONS } from '../../../shared/domain/catalog';
import { api } from '../api';
import { ErrorNotice, Field, Loading, PageTitle, useCursors } from '../components';
import { type Actor, actorName, dateTime, label } from '../format';
import type { List } from '../types';

interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: Actor;
  target: { type: string; id: string };
  source_ip: string | null;
  changes: Record<string, { before: unknown; after: unknown }>;
}

const show = (value: unknown) =>
  value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);

/** The append-only audit log: who did what, when, from where, with before and after. */
export function AuditLogPage() {
  const [filters, setFilters] = useState<Record<string, string>>({});
  const pages = useCursors();
  const query = new URLSearchParams({ limit: '25', ...filters });
  if (pages.cursor) query.set('starting_after', pages.cursor);
  const entries = useQuery({
    queryKey: ['audit', query.toString()],
    queryFn: () => api<List<AuditEntry>>(`/audit-log?${query}`),
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
              {AUDIT_ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {label(action)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Object id">
          {(input) => <input {...input} name="target_id" placeholder="po_…, ak_…, a member's id" />}
        </Field>
        <Field label="From">{(input) => <input {...input} type="date" name="from" />}</Field>
        <Field label="To">{(input) => <input {...input} type="date" name="to" />}</Field>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
        </div>
      </form>
      <ErrorNotice error={entries.error} />
      {entries.isPending ? (
        <Loading what="the audit log" />
      ) : (
        <table className="audit">
          <caption className="visually-hidden">Audit entries, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Action</th>
              <th scope="col">Object</th>
              <th scope="col">Changes</th>
              <th scope="col">Source IP</th>
            </tr>
          </thead>
          <tbody>
            {entries.data?.data.map((entry) => (
              <tr key={entry.id}>
                <td>{dateTime(entry.at)}</td>
                <td>{actorName(entry.actor)}</td>
                <td>{label(entry.action)}</td>
                <td>
                  {label(entry.target.type)} <code>{entry.target.id}</code>
                </td>
                <td>
                  {Object.keys(entry.changes).length === 0 ? (
                    '—'
                  ) : (
                    <details>
                      <summary>{Object.keys(entry.changes).join(', ')}</summary>
                      <dl className="changes">
                        {Object.entries(entry.changes).map(([field, change]) => (
                          <div key={field}>
                            <dt>{field}</dt>
                            <dd>
                              <del>{show(change.before)}</del> → <ins>{show(change.after)}</ins>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    </details>
                  )}
                </td>
                <td>{entry.source_ip ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {entries.data?.data.length === 0 && <p className="empty">No entries match.</p>}
      {pages.pager(entries.data)}
    </>
  );
}
