import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { MANUAL_CATEGORIES } from '../../../shared/domain/catalog';
import { api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label, money, toDecimalText, toMinorUnits } from '../format';
import type { Criteria } from '../types';

/** The form's copy of the criteria: each reason code row carries a stable key while it is edited. */
type Draft = Omit<Criteria, 'reason_codes'> & {
  reason_codes: { key: string; code: string; label: string }[];
};

const toDraft = (criteria: Criteria): Draft => ({
  ...criteria,
  reason_codes: criteria.reason_codes.map((reason) => ({ ...reason, key: crypto.randomUUID() })),
});

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
    mutationFn: (next: Draft) =>
      api<Criteria>('/settings/manual-payouts', {
        method: 'PUT',
        body: {
          reason_codes: next.reason_codes.map(({ code, label: text }) => ({ code, label: text })),
          min_rationale_length: next.min_rationale_length,
          limits: next.limits,
          version: next.version,
        },
      }),
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
          <table>
            <thead>
              <tr>
                <th scope="col">Currency</th>
                {MANUAL_CATEGORIES.map((category) => (
                  <th scope="col" key={category}>
                    {label(category)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {[...new Set(draft.limits.map((limit) => limit.currency))].map((currency) => (
                <tr key={currency}>
                  <th scope="row">{currency}</th>
                  {MANUAL_CATEGORIES.map((category) => {
                    const limit = draft.limits.find(
                      (entry) => entry.currency === currency && entry.category === category,
                    );
                    return (
                      <td key={category}>
                        <input
                          aria-label={`Maximum ${label(category).toLowerCase()} in ${currency}`}
                          inputMode="decimal"
                          defaultValue={limit ? toDecimalText(limit.max_amount, currency) : ''}
                          title={limit ? money(limit.max_amount, currency) : 'No limit: payouts refused'}
                          onBlur={(event) => {
                            const amount = toMinorUnits(event.target.value, currency);
                            const others = draft.limits.filter(
                              (entry) => !(entry.currency === currency && entry.category === category),
                            );
                            change({
                              limits: amount
                                ? [...others, { category, currency, max_amount: amount }]
                                : others,
                            });
                          }}
                        />
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <button type="submit" disabled={save.isPending}>
          Save criteria
        </button>
      </form>
    </>
  );
}
