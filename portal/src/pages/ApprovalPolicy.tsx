import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { PAYOUT_SOURCES } from '../../../shared/domain/catalog';
import { formatMinorUnits, PAYABLE_CURRENCIES, parseAmount } from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';

interface StoredRule {
  name: string;
  sources: string[] | null;
  currency: string | null;
  min_amount: number | null;
  approvals: number;
}

/**
 * A rule while it is edited: the amount stays the text typed until the policy is saved, when it is
 * read in the rule's currency, whatever order the fields were filled in.
 */
interface Rule extends Omit<StoredRule, 'min_amount'> {
  key: string;
  min_amount_text: string;
}

/** The rules as the API takes them, or every amount that cannot be read, by field. */
function rulesOf(rules: Rule[]) {
  const problems: { param: string; message: string }[] = [];
  const body = rules.map((rule, index) => {
    const text = rule.min_amount_text.trim();
    let minAmount: number | undefined;
    if (text !== '' && !rule.currency)
      problems.push({ param: `rules.${index}.currency`, message: 'Choose the currency of the amount' });
    else if (text !== '' && rule.currency) {
      const parsed = parseAmount(text, rule.currency);
      if (parsed.ok) minAmount = parsed.amount;
      else problems.push({ param: `rules.${index}.min_amount`, message: `The amount ${parsed.message}` });
    }
    return {
      name: rule.name,
      approvals: rule.approvals,
      ...(rule.sources?.length ? { sources: rule.sources } : {}),
      ...(rule.currency ? { currency: rule.currency } : {}),
      ...(minAmount !== undefined ? { min_amount: minAmount } : {}),
    };
  });
  return { body, problems };
}

interface Policy {
  rules: StoredRule[];
  expiry_hours: number;
  role_grant_delay_hours: number;
  mfa_required_for_all: boolean;
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
  const [grantDelay, setGrantDelay] = useState(24);
  const [mfaForAll, setMfaForAll] = useState(false);
  useEffect(() => {
    if (!policy.data) return;
    setRules(
      policy.data.rules.map(({ min_amount, ...rule }) => ({
        ...rule,
        key: crypto.randomUUID(),
        min_amount_text: min_amount && rule.currency ? formatMinorUnits(min_amount, rule.currency) : '',
      })),
    );
    setExpiry(policy.data.expiry_hours);
    setGrantDelay(policy.data.role_grant_delay_hours);
    setMfaForAll(policy.data.mfa_required_for_all);
  }, [policy.data]);
  const save = useMutation({
    mutationFn: () => {
      const { body, problems } = rulesOf(rules);
      if (problems.length > 0)
        throw new ApiError(400, 'validation_failed', 'Some rules need correcting.', undefined, problems);
      return api<Policy>('/settings/approval-policy', {
        method: 'PUT',
        body: {
          rules: body,
          expiry_hours: expiry,
          role_grant_delay_hours: grantDelay,
          mfa_required_for_all: mfaForAll,
          version: policy.data?.version ?? 0,
        },
      });
    },
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
              <Field
                label="From amount (optional)"
                hint="In the currency's own units, such as 10000.00"
                error={fieldError(save.error, `rules.${index}.min_amount`)}
              >
                {(input) => (
                  <input
                    {...input}
                    inputMode="decimal"
                    value={rule.min_amount_text}
                    onChange={(event) => change(rule.key, { min_amount_text: event.target.value })}
                  />
                )}
              </Field>
              <Field label="Currency" error={fieldError(save.error, `rules.${index}.currency`)}>
                {(input) => (
                  <select
                    {...input}
                    value={rule.currency ?? ''}
                    onChange={(event) => change(rule.key, { currency: event.target.value || null })}
                  >
                    <option value="">Any currency</option>
                    {PAYABLE_CURRENCIES.map((code) => (
                      <option key={code}>{code}</option>
                    ))}
                  </select>
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
                min_amount_text: '',
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
        <Field
          label="New approvers and admins wait (hours)"
          hint="A granted approver or admin role takes effect when a second admin confirms it on the Team page, or after this long (1 to 168 hours)."
          error={fieldError(save.error, 'role_grant_delay_hours')}
        >
          {(input) => (
            <input
              {...input}
              type="number"
              min={1}
              max={168}
              value={grantDelay}
              onChange={(event) => setGrantDelay(Number(event.target.value))}
            />
          )}
        </Field>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={mfaForAll}
            onChange={(event) => setMfaForAll(event.target.checked)}
          />
          Require two-step verification of every member (approvers and admins always need it)
        </label>
        <button type="submit" disabled={save.isPending}>
          Save policy
        </button>
      </form>
    </>
  );
}
