import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { PAYOUT_SOURCES } from '../../../shared/domain/catalog';
import { api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label, toDecimalText, toMinorUnits } from '../format';

interface Rule {
  key: string;
  name: string;
  sources: string[] | null;
  currency: string | null;
  min_amount: number | null;
  approvals: number;
}

interface Policy {
  rules: Omit<Rule, 'key'>[];
  expiry_hours: number;
  updated_at: string;
  version: number;
}

/** The tenant's approval policy: which payouts need how many approvals, and how long they wait. */
export function ApprovalPolicyPage() {
  const queryClient = useQueryClient();
  const policy = useQuery({
    queryKey: ['approval-policy'],
    queryFn: () => api<Policy>('/settings/approval-policy'),
  });
  const [rules, setRules] = useState<Rule[]>([]);
  const [expiry, setExpiry] = useState(72);
  useEffect(() => {
    if (!policy.data) return;
    setRules(policy.data.rules.map((rule) => ({ ...rule, key: crypto.randomUUID() })));
    setExpiry(policy.data.expiry_hours);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: () =>
      api<Policy>('/settings/approval-policy', {
        method: 'PUT',
        body: {
          rules: rules.map(({ key: _key, ...rule }) => ({
            name: rule.name,
            approvals: rule.approvals,
            ...(rule.sources?.length ? { sources: rule.sources } : {}),
            ...(rule.currency ? { currency: rule.currency } : {}),
            ...(rule.min_amount ? { min_amount: rule.min_amount } : {}),
          })),
          expiry_hours: expiry,
          version: policy.data?.version ?? 0,
        },
      }),
    onSuccess: (saved) => queryClient.setQueryData(['approval-policy'], saved),
  });

  if (policy.isPending) return <Loading what="the approval policy" />;
  const change = (key: string, patch: Partial<Rule>) =>
    setRules(rules.map((rule) => (rule.key === key ? { ...rule, ...patch } : rule)));

  return (
    <>
      <PageTitle>Approval policy</PageTitle>
      <p>
        A payout needs as many approvals as the strictest rule it matches asks for (none if it matches no
        rule). Changes apply to payouts created afterwards. Last changed {dateTime(policy.data?.updated_at)}.
      </p>
      <form
        className="form wide"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <ErrorNotice error={save.error ?? policy.error} />
        {save.isSuccess && <Notice>The policy was saved.</Notice>}
        {rules.map((rule, index) => (
          <fieldset key={rule.key}>
            <legend>Rule {index + 1}</legend>
            <Field label="Name" error={fieldError(save.error, `rules.${index}.name`)}>
              {(input) => (
                <input
                  {...input}
                  value={rule.name}
                  onChange={(event) => change(rule.key, { name: event.target.value })}
                />
              )}
            </Field>
            <fieldset className="roles">
              <legend>Sources (none: any)</legend>
              {PAYOUT_SOURCES.map((source) => (
                <label key={source} className="checkbox">
                  <input
                    type="checkbox"
                    checked={rule.sources?.includes(source) ?? false}
                    onChange={(event) =>
                      change(rule.key, {
                        sources: event.target.checked
                          ? [...(rule.sources ?? []), source]
                          : (rule.sources ?? []).filter((other) => other !== source),
                      })
                    }
                  />
                  {label(source)}
                </label>
              ))}
            </fieldset>
            <div className="row">
              <Field label="From amount (optional)" error={fieldError(save.error, `rules.${index}.currency`)}>
                {(input) => (
                  <input
                    {...input}
                    inputMode="decimal"
                    defaultValue={
                      rule.min_amount && rule.currency ? toDecimalText(rule.min_amount, rule.currency) : ''
                    }
                    onBlur={(event) =>
                      change(rule.key, {
                        min_amount: event.target.value
                          ? (toMinorUnits(event.target.value, rule.currency ?? 'EUR') ?? null)
                          : null,
                      })
                    }
                  />
                )}
              </Field>
              <Field label="Currency">
                {(input) => (
                  <input
                    {...input}
                    maxLength={3}
                    value={rule.currency ?? ''}
                    onChange={(event) =>
                      change(rule.key, { currency: event.target.value.toUpperCase() || null })
                    }
                  />
                )}
              </Field>
              <Field label="Approvals">
                {(input) => (
                  <input
                    {...input}
                    type="number"
                    min={1}
                    max={5}
                    value={rule.approvals}
                    onChange={(event) => change(rule.key, { approvals: Number(event.target.value) })}
                  />
                )}
              </Field>
            </div>
            <button
              type="button"
              className="secondary"
              onClick={() => setRules(rules.filter((other) => other.key !== rule.key))}
            >
              Remove rule {index + 1}
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setRules([
              ...rules,
              {
                key: crypto.randomUUID(),
                name: 'New rule',
                sources: null,
                currency: null,
                min_amount: null,
                approvals: 1,
              },
            ])
          }
        >
          Add a rule
        </button>
        <Field
          label="Expiry (hours)"
          hint="A payout nobody decided on expires after this long (1 to 480 hours)."
          error={fieldError(save.error, 'expiry_hours')}
        >
          {(input) => (
            <input
              {...input}
              type="number"
              min={1}
              max={480}
              value={expiry}
              onChange={(event) => setExpiry(Number(event.target.value))}
            />
          )}
        </Field>
        <button type="submit" disabled={save.isPending}>
          Save policy
        </button>
      </form>
    </>
  );
}
