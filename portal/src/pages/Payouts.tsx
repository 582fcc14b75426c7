import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import { Link, useSearchParams } from 'react-router';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES, PAYOUT_STATUSES } from '../../../shared/domain/catalog';
import { formatMoney, PAYABLE_CURRENCIES, parseAmount } from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import { ChoiceFilter, ErrorNotice, Field, Loading, PageTitle, StatusBadge, useCursors } from '../components';
import { dateTime, label } from '../format';
import type { List, Me, PortalPayout } from '../types';

/** The page's search fields, as they are kept in the address (shareable, back-button friendly). */
const FILTERS = [
  'customer',
  'reference',
  'amount',
  'currency',
  'last4',
  'status',
  'source',
  'purpose',
  'from',
  'to',
] as const;
type Filter = (typeof FILTERS)[number];

/** The API's search parameter behind each field: a server problem is shown beside its field. */
const FIELD_OF_PARAM: Readonly<Record<string, Filter>> = {
  customer_reference: 'customer',
  reference_prefix: 'reference',
  amount: 'amount',
  currency: 'currency',
  iban_last4: 'last4',
  created_gte: 'from',
  created_lt: 'to',
};

const DAY = 86_400_000;

/**
 * One date rule for the Payouts and Reports pages: a day is a UTC day, 00:00 to 24:00 UTC (what the
 * nightly report covers); "to" includes its day.
 */
export const UTC_DAYS_NOTE = 'Days are UTC days (00:00–24:00 UTC); the "to" day is included.';
export const utcDayStart = (day: string) => new Date(`${day}T00:00:00.000Z`).toISOString();
export const utcDayEnd = (day: string) => new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY).toISOString();

/**
 * The API query of the search in the address, or the problems that keep it from being one (each
 * in words, for the field it belongs to).
 */
function searchQuery(params: URLSearchParams): {
  query?: URLSearchParams;
  problems?: Partial<Record<Filter, string>>;
} {
  const value = (name: Filter) => params.get(name)?.trim() ?? '';
  const problems: Partial<Record<Filter, string>> = {};
  const query = new URLSearchParams();
  for (const name of ['status', 'source', 'purpose'] as const) if (value(name)) query.set(name, value(name));
  if (value('customer')) query.set('customer_reference', value('customer'));
  if (value('reference')) {
    if (/^[A-Za-z0-9._:/-]{1,128}$/.test(value('reference')))
      query.set('reference_prefix', value('reference'));
    else problems.reference = 'A reference has only letters, digits and . _ : / -';
  }
  const currency = value('currency').toUpperCase();
  if (currency) query.set('currency', currency);
  if (value('amount')) {
    if (!currency) problems.currency = 'Choose the currency of the amount';
    else {
      const amount = parseAmount(value('amount'), currency);
      if (amount.ok) query.set('amount', String(amount.amount));
      else problems.amount = `The amount ${amount.message}`;
    }
  }
  if (value('last4')) {
    if (/^[A-Za-z0-9]{4}$/.test(value('last4'))) query.set('iban_last4', value('last4').toUpperCase());
    else problems.last4 = 'Enter the last 4 characters of the IBAN, such as 3000';
  }
  const from = value('from');
  const to = value('to');
  if (from) query.set('created_gte', utcDayStart(from));
  if (to) query.set('created_lt', utcDayEnd(to));
  if (from && to && to < from) problems.to = 'The "to" day is before the "from" day';
  return Object.keys(problems).length > 0 ? { problems } : { query };
}

/** Phone width, as in styles.css: the list then shows cards instead of a wide table. */
const NARROW_SCREEN = '(max-width: 640px)';
function onScreenWidthChange(onChange: () => void) {
  const media = window.matchMedia(NARROW_SCREEN);
  media.addEventListener('change', onChange);
  return () => media.removeEventListener('change', onChange);
}
const isNarrowScreen = () => window.matchMedia(NARROW_SCREEN).matches;

/** Where the money goes, masked as the API shows it: "IBAN ••••3000", an email, a Stripe account. */
function destinationText(destination: PortalPayout['destination']): string {
  if (destination.type === 'bank_account') return `IBAN ••••${destination.iban_last4 ?? ''}`;
  if (destination.type === 'email') return destination.email ?? '';
  return `Stripe account ${destination.account ?? ''}`;
}

const customerOf = (payout: PortalPayout) =>
  payout.manual?.customer_reference ?? payout.metadata?.customer_reference ?? '—';

/** Payouts, newest first, found by customer, reference, amount, IBAN, status and day. */
export function PayoutsPage({ me }: { me: Me }) {
  const [params, setParams] = useSearchParams();
  const pages = useCursors();
  const narrow = useSyncExternalStore(onScreenWidthChange, isNarrowScreen);
  const [problems, setProblems] = useState<Partial<Record<Filter, string>>>({});
  const search = searchQuery(params);
  const query = new URLSearchParams(search.query);
  if (pages.cursor) query.set('starting_after', pages.cursor);
  query.set('limit', '20');

  const payouts = useQuery({
    queryKey: ['payouts', query.toString()],
    queryFn: () => api<List<PortalPayout>>(`/payouts?${query}`),
    enabled: search.query !== undefined,
    placeholderData: keepPreviousData,
    // Coming back to the list always asks again (a payout just created, someone else's): the rows
    // on screen meanwhile are marked as refreshing.
    refetchOnMount: 'always',
  });
  const refreshing = payouts.isFetching && !payouts.isPending;
  const serverProblems: Partial<Record<Filter, string>> = {};
  const error = payouts.error;
  if (error instanceof ApiError && error.status === 400) {
    for (const detail of error.details.length > 0
      ? error.details
      : [{ param: error.param ?? '', message: '' }]) {
      const field = FIELD_OF_PARAM[detail.param];
      if (field) serverProblems[field] = `This ${detail.message || 'value is not valid'}`;
    }
  }
  const shownProblems = { ...serverProblems, ...problems, ...(search.problems ?? {}) };
  const hasProblems = Object.keys(shownProblems).length > 0;

  function applyFilters(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, name === 'currency' || name === 'last4' ? value.toUpperCase() : value);
    }
    // Every problem at once, beside its field; the address (and the list) change only when all is well.
    const checked = searchQuery(next);
    setProblems(checked.problems ?? {});
    if (checked.problems) return;
    pages.reset();
    setParams(next);
  }

  const field = (name: Filter) => params.get(name) ?? '';

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
      {/* Keyed by the search: Clear and the back button show the fields of the search in force. */}
      <form
        key={params.toString()}
        className="filters"
        onSubmit={applyFilters}
        aria-label="Search payouts"
        noValidate
      >
        <Field
          label="Customer reference"
          hint="Exactly as written, such as CUST-1001"
          error={shownProblems.customer}
        >
          {(input) => (
            <input {...input} name="customer" defaultValue={field('customer')} autoComplete="off" />
          )}
        </Field>
        <Field label="Reference starts with" error={shownProblems.reference}>
          {(input) => (
            <input {...input} name="reference" defaultValue={field('reference')} autoComplete="off" />
          )}
        </Field>
        <Field label="Amount" hint="Such as 25.00" error={shownProblems.amount}>
          {(input) => <input {...input} name="amount" inputMode="decimal" defaultValue={field('amount')} />}
        </Field>
        <Field label="Currency" error={shownProblems.currency}>
          {(input) => (
            <select {...input} name="currency" defaultValue={field('currency')}>
              <option value="">Any</option>
              {PAYABLE_CURRENCIES.map((code) => (
                <option key={code} value={code}>
                  {code}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="IBAN last 4" error={shownProblems.last4}>
          {(input) => (
            <input {...input} name="last4" maxLength={4} autoComplete="off" defaultValue={field('last4')} />
          )}
        </Field>
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
        <Field label="Created from (UTC day)" error={shownProblems.from}>
          {(input) => <input {...input} type="date" name="from" defaultValue={field('from')} />}
        </Field>
        <Field label="Created to (UTC day, included)" error={shownProblems.to}>
          {(input) => <input {...input} type="date" name="to" defaultValue={field('to')} />}
        </Field>
        <p className="filters-note">{UTC_DAYS_NOTE}</p>
        <div className="filter-actions">
          <button type="submit">Search</button>
          <button
            type="button"
            className="secondary"
            onClick={(event) => {
              // The fields empty at once (the form is rebuilt only when the search in force changes).
              event.currentTarget.form?.reset();
              setProblems({});
              pages.reset();
              setParams(new URLSearchParams());
            }}
          >
            Clear
          </button>
        </div>
      </form>
      {hasProblems ? (
        <p className="notice error" role="alert">
          The search was not run: correct the fields marked above.
        </p>
      ) : (
        <ErrorNotice error={error} />
      )}
      {refreshing && (
        <p className="loading refreshing" role="status">
          Refreshing payouts…
        </p>
      )}
      {payouts.isPending && !hasProblems ? (
        <Loading what="payouts" />
      ) : payouts.data ? (
        <div className={refreshing ? 'list-refreshing' : undefined} aria-busy={refreshing}>
          {narrow ? (
            <ul className="cards payout-cards" aria-label="Payouts, newest first">
              {payouts.data.data.map((payout) => (
                <li key={payout.id} className="card">
                  <p className="card-title">
                    <Link to={`/payouts/${payout.id}`}>{payout.reference}</Link>
                  </p>
                  <p className="card-amount">
                    {formatMoney(payout.amount, payout.currency)} <StatusBadge status={payout.status} />
                  </p>
                  <dl className="card-facts">
                    <dt>Customer</dt>
                    <dd>{customerOf(payout)}</dd>
                    <dt>To</dt>
                    <dd>{destinationText(payout.destination)}</dd>
                    <dt>Created</dt>
                    <dd>{dateTime(payout.created_at)}</dd>
                    <dt>Source</dt>
                    <dd>
                      {label(payout.source)} · {label(payout.purpose)}
                    </dd>
                  </dl>
                </li>
              ))}
            </ul>
          ) : (
            <table>
              <caption className="visually-hidden">Payouts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Reference</th>
                  <th scope="col">Customer</th>
                  <th scope="col" className="number">
                    Amount
                  </th>
                  <th scope="col">To</th>
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
                    <td>{customerOf(payout)}</td>
                    <td className="number">{formatMoney(payout.amount, payout.currency)}</td>
                    <td>{destinationText(payout.destination)}</td>
                    <td>
                      <StatusBadge status={payout.status} />
                    </td>
                    <td>{label(payout.source)}</td>
                    <td>{label(payout.purpose)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {payouts.data.data.length === 0 && <p className="empty">No payouts match this search.</p>}
          {pages.pager(payouts.data)}
        </div>
      ) : null}
    </>
  );
}
