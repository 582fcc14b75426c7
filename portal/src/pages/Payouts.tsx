import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from '../../../shared/domain/catalog';
import { formatMoney } from '../../../shared/domain/money';
import { api } from '../api';
import { ChoiceFilter, ErrorNotice, Field, Loading, PageTitle, StatusBadge, useCursors } from '../components';
import { dateTime, label } from '../format';
import type { List, Me, Payout } from '../types';

const FILTERS = ['status', 'source', 'purpose', 'reference', 'from', 'to'] as const;

/** Payouts, newest first, with filters kept in the URL (shareable, back-button friendly). */
export function PayoutsPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const pages = useCursors();
  const query = new URLSearchParams();
  for (const name of ['status', 'source', 'purpose', 'reference'] as const) {
    const value = params.get(name);
    if (value) query.set(name, value);
  }
  const from = params.get('from');
  const to = params.get('to');
  if (from) query.set('created_gte', new Date(`${from}T00:00:00`).toISOString());
  if (to) query.set('created_lt', new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString());
  if (pages.cursor) query.set('starting_after', pages.cursor);
  query.set('limit', '20');

  const payouts = useQuery({
    queryKey: ['payouts', query.toString()],
    queryFn: () => api<List<Payout>>(`/payouts?${query}`),
    placeholderData: keepPreviousData,
  });

  function applyFilters(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, value);
    }
    pages.reset();
    setParams(next);
  }

  return (
    <>
      <PageTitle
        actions={
          me.permissions.includes('payouts.create_manual') && (
            <Link className="button" to="/payouts/new">
              New manual payout
            </Link>
          )
        }
      >
        Payouts
      </PageTitle>
      <form className="filters" onSubmit={applyFilters} aria-label="Filter payouts">
        <ChoiceFilter
          label="Status"
          name="status"
          options={PAYOUT_STATUSES}
          defaultValue={params.get('status')}
        />
        <ChoiceFilter
          label="Source"
          name="source"
          options={PAYOUT_SOURCES}
          defaultValue={params.get('source')}
        />
        <ChoiceFilter
          label="Purpose"
          name="purpose"
          options={PAYOUT_PURPOSES}
          defaultValue={params.get('purpose')}
        />
        <Field label="Reference">
          {(input) => <input {...input} name="reference" defaultValue={params.get('reference') ?? ''} />}
        </Field>
        <Field label="Created from">
          {(input) => <input {...input} type="date" name="from" defaultValue={from ?? ''} />}
        </Field>
        <Field label="Created to">
          {(input) => <input {...input} type="date" name="to" defaultValue={to ?? ''} />}
        </Field>
        <div className="filter-actions">
          <button type="submit">Apply filters</button>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              pages.reset();
              setParams(new URLSearchParams());
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorNotice error={payouts.error} />
      {payouts.isPending ? (
        <Loading what="payouts" />
      ) : payouts.data ? (
        <>
          <table>
            <caption className="visually-hidden">Payouts, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Reference</th>
                <th scope="col" className="number">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Source</th>
                <th scope="col">Purpose</th>
              </tr>
            </thead>
            <tbody>
              {payouts.data.data.map((payout) => (
                <tr key={payout.id}>
                  <td>{dateTime(payout.created_at)}</td>
                  <td>
                    <Link to={`/payouts/${payout.id}`}>{payout.reference}</Link>
                  </td>
                  <td className="number">{formatMoney(payout.amount, payout.currency)}</td>
                  <td>
                    <StatusBadge status={payout.status} />
                  </td>
                  <td>{label(payout.source)}</td>
                  <td>{label(payout.purpose)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {payouts.data.data.length === 0 && <p className="empty">No payouts match these filters.</p>}
          {pages.pager(payouts.data)}
        </>
      ) : null}
    </>
  );
}
