import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { PAYOUT_PURPOSES, PAYOUT_SOURCES } from '../../../shared/domain/catalog';
import {
  decimalsRule,
  exampleAmount,
  formatMinorUnits,
  formatMoney,
  PAYABLE_CURRENCIES,
  parseAmount,
} from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime } from '../format';
import { rolesThatMay } from './NotAllowed';
import { FormProblems, joinOr } from './Settings';

type Source = (typeof PAYOUT_SOURCES)[number];
type Purpose = (typeof PAYOUT_PURPOSES)[number];

/** Where a payout came from, as a checkbox says it and as a sentence does ("Portal payouts"). */
const SOURCE_WORDS: Record<Source, { label: string; adjective: string }> = {
  api: { label: 'API', adjective: 'API' },
  portal: { label: 'Portal', adjective: 'portal' },
  batch: { label: 'Batch file', adjective: 'batch' },
  event: { label: 'Event or file drop', adjective: 'event-triggered' },
};

/** What a payout is for, as a checkbox says it and as a sentence does ("for support credits"). */
const PURPOSE_WORDS: Record<Purpose, { label: string; noun: string }> = {
  payroll: { label: 'Payroll', noun: 'payroll' },
  refund: { label: 'Refund', noun: 'refunds' },
  reward: { label: 'Reward', noun: 'rewards' },
  support_credit: { label: 'Support credit', noun: 'support credits' },
  one_time_refund: { label: 'One-time refund', noun: 'one-time refunds' },
  other: { label: 'Other', noun: 'other purposes' },
};

interface StoredRule {
  name: string;
  sources: Source[] | null;
  purposes: Purpose[] | null;
  currency: string | null;
  min_amount: number | null;
  approvals: number;
}

interface Policy {
  rules: StoredRule[];
  expiry_hours: number;
  role_grant_delay_hours: number;
  mfa_required_for_all: boolean;
  updated_at: string;
  version: number;
}

/**
 * One rule as a sentence: "Portal payouts of EUR 10,000.00 or more need 2 approvals.",
 * "Payouts for support credits in JPY need 1 approval.", "Every payout needs 1 approval."
 */
export function ruleSentence(rule: StoredRule): string {
  const sources = rule.sources?.length
    ? joinOr(rule.sources.map((source) => SOURCE_WORDS[source].adjective))
    : '';
  const purposes = rule.purposes?.length
    ? ` for ${joinOr(rule.purposes.map((purpose) => PURPOSE_WORDS[purpose].noun))}`
    : '';
  const amount =
    rule.currency && rule.min_amount
      ? ` of ${formatMoney(rule.min_amount, rule.currency)} or more`
      : rule.currency
        ? ` in ${rule.currency}`
        : '';
  const approvals = `${rule.approvals} approval${rule.approvals === 1 ? '' : 's'}`;
  if (!sources && !purposes && !amount) return `Every payout needs ${approvals}.`;
  const sentence = `${sources ? `${sources} payouts` : 'Payouts'}${purposes}${amount} need ${approvals}.`;
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

/** The whole policy in sentences: each rule, how rules combine, expiry, role grants, two-step sign-in. */
export function PolicySentences({ policy }: { policy: Policy }) {
  return (
    <>
      <ul className="sentences">
        {policy.rules.map((rule, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rules have no id; the list is read-only.
          <li key={index}>
            <strong>{rule.name}:</strong> {ruleSentence(rule)}
          </li>
        ))}
        {policy.rules.length === 0 && <li>No rule: payouts need no approval.</li>}
      </ul>
      <p>
        When several rules match a payout, it needs the most approvals any of them asks for; a payout that
        matches no rule needs none. A payout nobody decides on expires after {policy.expiry_hours} hour
        {policy.expiry_hours === 1 ? '' : 's'}. A new approver or admin role takes effect when a second admin
        confirms it, or after {policy.role_grant_delay_hours} hour
        {policy.role_grant_delay_hours === 1 ? '' : 's'}. Two-step verification is required of{' '}
        {policy.mfa_required_for_all ? 'every member' : 'approvers and admins'}.
      </p>
      <p className="muted">
        {Date.parse(policy.updated_at) > 0
          ? `Last changed ${dateTime(policy.updated_at)}.`
          : "Nobody has changed these yet: they are the platform's defaults."}
      </p>
    </>
  );
}

const usePolicy = () =>
  useQuery({ queryKey: ['approval-policy'], queryFn: () => api<Policy>('/settings/approval-policy') });

/** The policy for a member who may read it but not change it. */
export function ApprovalPolicyReadOnlyPage() {
  const policy = usePolicy();
  return (
    <>
      <PageTitle>Approval policy</PageTitle>
      <p>Which payouts need how many approvals before they are paid.</p>
      <ErrorNotice error={policy.error} />
      {policy.isPending ? (
        <Loading what="the approval policy" />
      ) : (
        policy.data && <PolicySentences policy={policy.data} />
      )}
      <p className="notice">
        You need the {rolesThatMay('settings.manage')} role to change the approval policy. Ask an admin of
        your team.
      </p>
    </>
  );
}

/**
 * A rule while it is edited: the amount stays the text typed until the policy is saved, when it is
 * read in the rule's currency, whatever order the fields were filled in.
 */
interface Rule extends Omit<StoredRule, 'min_amount'> {
  key: string;
  min_amount_text: string;
}

const rangeProblem = (value: number, min: number, max: number, what: string) =>
  Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : `Enter whole ${what} from ${min} to ${max}`;

/** The policy as the API takes it, or every problem the browser can see, by field (all at once). */
function policyBody(rules: Rule[], expiry: number, grantDelay: number) {
  const problems: { param: string; message: string }[] = [];
  const body = rules.map((rule, index) => {
    const text = rule.min_amount_text.trim();
    let minAmount: number | undefined;
    if (rule.name.trim() === '')
      problems.push({ param: `rules.${index}.name`, message: 'Give the rule a name' });
    if (text !== '' && !rule.currency)
      problems.push({ param: `rules.${index}.currency`, message: 'Choose the currency of the amount' });
    else if (text !== '' && rule.currency) {
      const parsed = parseAmount(text, rule.currency);
      if (parsed.ok) minAmount = parsed.amount;
      else
        problems.push({
          param: `rules.${index}.min_amount`,
          message: /^[A-Z]{3} /.test(parsed.message) ? parsed.message : `The amount ${parsed.message}`,
        });
    }
    const approvals = rangeProblem(rule.approvals, 1, 5, 'approvals');
    if (approvals) problems.push({ param: `rules.${index}.approvals`, message: approvals });
    return {
      name: rule.name,
      approvals: rule.approvals,
      ...(rule.sources?.length ? { sources: rule.sources } : {}),
      ...(rule.purposes?.length ? { purposes: rule.purposes } : {}),
      ...(rule.currency ? { currency: rule.currency } : {}),
      ...(minAmount !== undefined ? { min_amount: minAmount } : {}),
    };
  });
  const expiryProblem = rangeProblem(expiry, 1, 480, 'hours');
  if (expiryProblem) problems.push({ param: 'expiry_hours', message: expiryProblem });
  const delayProblem = rangeProblem(grantDelay, 1, 168, 'hours');
  if (delayProblem) problems.push({ param: 'role_grant_delay_hours', message: delayProblem });
  return { body, problems };
}

const RULE_FIELDS: Record<string, string> = {
  name: 'name',
  sources: 'sources',
  purposes: 'purposes',
  currency: 'currency',
  min_amount: 'from amount',
  approvals: 'approvals',
};

/** A field of the policy form in words ("Rule 2, from amount"), for the list of problems. */
function describePolicyField(param: string): string {
  const [head, index, field] = param.split('.');
  if (head === 'rules' && index !== undefined && /^\d+$/.test(index))
    return `Rule ${Number(index) + 1}${field ? `, ${RULE_FIELDS[field] ?? 'a field'}` : ''}`;
  if (head === 'rules') return 'Rules';
  if (head === 'expiry_hours') return 'Expiry';
  if (head === 'role_grant_delay_hours') return 'New approvers and admins wait';
  if (head === 'mfa_required_for_all') return 'Two-step verification';
  if (head === 'version') return 'The policy you loaded';
  return 'A field';
}

/** A group of checkboxes for a rule's condition: none ticked matches every value. */
function Choices<T extends string>(props: {
  legend: string;
  options: readonly T[];
  words: (option: T) => string;
  chosen: T[] | null;
  onChange: (chosen: T[]) => void;
}) {
  return (
    <fieldset className="roles">
      <legend>{props.legend}</legend>
      {props.options.map((option) => (
        <label key={option} className="checkbox">
          <input
            type="checkbox"
            checked={props.chosen?.includes(option) ?? false}
            onChange={(event) =>
              props.onChange(
                event.target.checked
                  ? [...(props.chosen ?? []), option]
                  : (props.chosen ?? []).filter((other) => other !== option),
              )
            }
          />
          {props.words(option)}
        </label>
      ))}
    </fieldset>
  );
}

/** The tenant's approval policy: which payouts need how many approvals, and how long they wait. */
export function ApprovalPolicyPage() {
  const queryClient = useQueryClient();
  const policy = usePolicy();
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
      const { body, problems } = policyBody(rules, expiry, grantDelay);
      if (problems.length > 0)
        throw new ApiError(400, 'validation_failed', 'Some fields need correcting.', undefined, problems);
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
        Which payouts need how many approvals before they are paid. Changes apply to payouts created
        afterwards.
      </p>
      {policy.data && (
        <section aria-labelledby="policy-in-words">
          <h2 id="policy-in-words">As saved</h2>
          <PolicySentences policy={policy.data} />
        </section>
      )}
      <form
        className="form wide"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <h2>Change the policy</h2>
        <FormProblems error={save.error ?? policy.error} describe={describePolicyField} />
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
            <Choices
              legend="Sources (none ticked: any source)"
              options={PAYOUT_SOURCES}
              words={(source) => SOURCE_WORDS[source].label}
              chosen={rule.sources}
              onChange={(sources) => change(rule.key, { sources })}
            />
            <Choices
              legend="Purposes (none ticked: any purpose)"
              options={PAYOUT_PURPOSES}
              words={(purpose) => PURPOSE_WORDS[purpose].label}
              chosen={rule.purposes}
              onChange={(purposes) => change(rule.key, { purposes })}
            />
            <div className="row">
              <Field
                label="From amount (optional)"
                hint={
                  rule.currency
                    ? `In ${rule.currency}, such as ${exampleAmount(rule.currency)} (${decimalsRule(rule.currency)})`
                    : 'Choose its currency too: the amount is read in that currency when you save'
                }
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
              <Field label="Approvals" error={fieldError(save.error, `rules.${index}.approvals`)}>
                {(input) => (
                  <input
                    {...input}
                    type="number"
                    min={1}
                    max={5}
                    value={Number.isNaN(rule.approvals) ? '' : rule.approvals}
                    onChange={(event) => change(rule.key, { approvals: event.target.valueAsNumber })}
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
                purposes: null,
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
              value={Number.isNaN(expiry) ? '' : expiry}
              onChange={(event) => setExpiry(event.target.valueAsNumber)}
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
              value={Number.isNaN(grantDelay) ? '' : grantDelay}
              onChange={(event) => setGrantDelay(event.target.valueAsNumber)}
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
