import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { MANUAL_CATEGORIES } from '../../../shared/domain/catalog';
import { formatMinorUnits, formatMoney, PAYABLE_CURRENCIES, parseAmount } from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';
import type { Criteria } from '../types';

/**
 * The form's copy of the criteria: each reason code row carries a stable key while it is edited, and
 * each limit stays the text the admin typed until the form is saved, when it is read with its own
 * row's currency (converting on blur once used the wrong currency's decimals).
 */
type Draft = Omit<Criteria, 'reason_codes' | 'limits'> & {
  reason_codes: { key: string; code: string; label: string }[];
  currencies: string[];
  /** Typed maximum per `${currency} ${category}`; empty means no limit (payouts refused). */
  limits: Record<string, string>;
};

const limitKey = (currency: string, category: string) => `${currency} ${category}`;

const toDraft = (criteria: Criteria): Draft => ({
  ...criteria,
  reason_codes: criteria.reason_codes.map((reason) => ({ ...reason, key: crypto.randomUUID() })),
  currencies: [...new Set(criteria.limits.map((limit) => limit.currency))],
  limits: Object.fromEntries(
    criteria.limits.map((limit) => [
      limitKey(limit.currency, limit.category),
      formatMinorUnits(limit.max_amount, limit.currency),
    ]),
  ),
});

/** The limits as the API takes them, or every amount that cannot be read, by field. */
function limitsOf(draft: Draft) {
  const limits: Criteria['limits'] = [];
  const problems: { param: string; message: string }[] = [];
  for (const currency of draft.currencies)
    for (const category of MANUAL_CATEGORIES) {
      const text = draft.limits[limitKey(currency, category)]?.trim() ?? '';
      if (text === '') continue;
      const parsed = parseAmount(text, currency);
      if (parsed.ok) limits.push({ category, currency, max_amount: parsed.amount });
      else problems.push({ param: `limits.${currency}.${category}`, message: parsed.message });
    }
  return { limits, problems };
}

/** The tenant's manual payout criteria: reason codes, minimum rationale, maximum amount per category. */
export function SettingsPage() {
  const queryClient = useQueryClient();
  const criteria = useQuery({
    queryKey: ['criteria'],
    queryFn: () => api<Criteria>('/settings/manual-payouts'),
  });
  const [draft, setDraft] = useState<Draft | undefined>();
  useEffect(() => {
    if (criteria.data) setDraft(toDraft(criteria.data));
  }, [criteria.data]);
  const save = useMutation({
    mutationFn: (next: Draft) => {
      const { limits, problems } = limitsOf(next);
      if (problems.length > 0)
        throw new ApiError(
          400,
          'validation_failed',
          problems.length === 1
            ? 'A maximum amount needs correcting.'
            : `${problems.length} maximum amounts need correcting.`,
          undefined,
          problems,
        );
      return api<Criteria>('/settings/manual-payouts', {
        method: 'PUT',
        body: {
          reason_codes: next.reason_codes.map(({ code, label: text }) => ({ code, label: text })),
          min_rationale_length: next.min_rationale_length,
          limits,
          version: next.version,
        },
      });
    },
    onSuccess: (saved) => queryClient.setQueryData(['criteria'], saved),
  });

  if (criteria.isPending || !draft) return <Loading what="the criteria" />;
  const change = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  return (
    <>
      <PageTitle>Manual payout criteria</PageTitle>
      <p>
        What the portal accepts for support credits and one-time refunds. Changes apply to new payouts only.
        Last changed {dateTime(criteria.data?.updated_at)}.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(draft);
        }}
      >
        <ErrorNotice error={save.error ?? criteria.error} />
        {save.isSuccess && <Notice>The criteria were saved.</Notice>}
        <Field
          label="Minimum rationale length (characters)"
          error={fieldError(save.error, 'min_rationale_length')}
        >
          {(input) => (
            <input
              {...input}
              type="number"
              min={1}
              value={draft.min_rationale_length}
              onChange={(event) => change({ min_rationale_length: Number(event.target.value) })}
            />
          )}
        </Field>
        <fieldset>
          <legend>Reason codes</legend>
          {draft.reason_codes.map((reason, index) => (
            <div className="row" key={reason.key}>
              <Field label={`Code ${index + 1}`} error={fieldError(save.error, `reason_codes.${index}.code`)}>
                {(input) => (
                  <input
                    {...input}
                    defaultValue={reason.code}
                    onBlur={(event) => {
                      const codes = [...draft.reason_codes];
                      codes[index] = { ...reason, code: event.target.value.trim() };
                      change({ reason_codes: codes });
                    }}
                  />
                )}
              </Field>
              <Field label={`Label ${index + 1}`}>
                {(input) => (
                  <input
                    {...input}
                    defaultValue={reason.label}
                    onBlur={(event) => {
                      const codes = [...draft.reason_codes];
                      codes[index] = { ...reason, label: event.target.value };
                      change({ reason_codes: codes });
                    }}
                  />
                )}
              </Field>
              <button
                type="button"
                className="secondary"
                aria-label={`Remove reason ${reason.label}`}
                onClick={() => change({ reason_codes: draft.reason_codes.filter((_, i) => i !== index) })}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            className="secondary"
            onClick={() =>
              change({
                reason_codes: [
                  ...draft.reason_codes,
                  { key: crypto.randomUUID(), code: 'new_reason', label: 'New reason' },
                ],
              })
            }
          >
            Add a reason
          </button>
        </fieldset>
        <fieldset>
          <legend>Maximum amount per payout</legend>
          <p className="muted">
            In each currency's own units, such as 250.00 EUR or 30000 JPY. Leave a field empty to refuse that
            kind of payout in that currency.
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">Currency</th>
                {MANUAL_CATEGORIES.map((category) => (
                  <th scope="col" key={category}>
                    {label(category)}
                  </th>
                ))}
                <th scope="col">
                  <span className="visually-hidden">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {draft.currencies.map((currency) => (
                <tr key={currency}>
                  <th scope="row">{currency}</th>
                  {MANUAL_CATEGORIES.map((category) => {
                    const key = limitKey(currency, category);
                    const saved = criteria.data?.limits.find(
                      (entry) => entry.currency === currency && entry.category === category,
                    );
                    const problem = fieldError(save.error, `limits.${currency}.${category}`);
                    return (
                      <td key={category}>
                        <input
                          aria-label={`Maximum ${label(category).toLowerCase()} in ${currency}`}
                          aria-invalid={problem ? true : undefined}
                          inputMode="decimal"
                          value={draft.limits[key] ?? ''}
                          title={
                            saved
                              ? `Saved: ${formatMoney(saved.max_amount, currency)}`
                              : 'No limit: payouts refused'
                          }
                          onChange={(event) =>
                            change({ limits: { ...draft.limits, [key]: event.target.value } })
                          }
                        />
                        {problem && <span className="error-text">{problem}</span>}
                      </td>
                    );
                  })}
                  <td>
                    <button
                      type="button"
                      className="secondary"
                      aria-label={`Remove ${currency}`}
                      onClick={() =>
                        change({ currencies: draft.currencies.filter((code) => code !== currency) })
                      }
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="row">
            <Field label="Add a currency">
              {(input) => (
                <select
                  {...input}
                  value=""
                  onChange={(event) => {
                    if (event.target.value) change({ currencies: [...draft.currencies, event.target.value] });
                  }}
                >
                  <option value="">Choose a currency</option>
                  {PAYABLE_CURRENCIES.filter((code) => !draft.currencies.includes(code)).map((code) => (
                    <option key={code}>{code}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
        </fieldset>
        <button type="submit" disabled={save.isPending}>
          Save criteria
        </button>
      </form>
    </>
  );
}
