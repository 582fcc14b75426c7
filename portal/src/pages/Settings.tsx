import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useState } from 'react';
import { MANUAL_CATEGORIES } from '../../../shared/domain/catalog';
import {
  decimalsRule,
  exampleAmount,
  formatMinorUnits,
  formatMoney,
  isPayableCurrency,
  PAYABLE_CURRENCIES,
  parseAmount,
} from '../../../shared/domain/money';
import { ApiError, api } from '../api';
import { ErrorNotice, Field, fieldError, Loading, Notice, PageTitle } from '../components';
import { dateTime } from '../format';
import type { Criteria } from '../types';
import { rolesThatMay } from './NotAllowed';

type Category = (typeof MANUAL_CATEGORIES)[number];

/** Each category in words: as a heading, and in the middle of a sentence. */
const CATEGORY_WORDS: Record<Category, { one: string; many: string }> = {
  support_credit: { one: 'Support credit', many: 'support credits' },
  one_time_refund: { one: 'One-time refund', many: 'one-time refunds' },
};

/** "A", "A or B", "A, B or C". */
export const joinOr = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

const categoryWords = (category: string) =>
  CATEGORY_WORDS[category as Category] ?? { one: category, many: category };

/**
 * A form's problems in words, as the person sees the fields ("Rule 2, amount"), never the API's code
 * names (`rules.1.min_amount`). Errors that are not about fields show as they are.
 */
export function FormProblems({ error, describe }: { error: unknown; describe: (param: string) => string }) {
  if (!(error instanceof ApiError) || error.code !== 'validation_failed')
    return <ErrorNotice error={error} />;
  const problems = error.details.length > 0 ? error.details : [{ param: error.param ?? '', message: '' }];
  return (
    <div className="notice error" role="alert">
      <strong>
        {problems.length === 1
          ? 'One field needs correcting:'
          : `${problems.length} fields need correcting, each shown beside it:`}
      </strong>
      <ul>
        {problems.map((problem) => (
          <li key={problem.param}>
            {describe(problem.param)}
            {problem.message ? `: ${problem.message}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The form's copy of the criteria: each reason code row carries a stable key while it is edited, and
 * each category lists its currencies with the maximum as the admin typed it. The text is read with
 * its own row's currency when the form is saved (converting on blur once used the wrong decimals).
 */
type Draft = Omit<Criteria, 'reason_codes' | 'limits'> & {
  reason_codes: { key: string; code: string; label: string }[];
  limits: Record<Category, { currency: string; text: string }[]>;
};

const toDraft = (criteria: Criteria): Draft => ({
  ...criteria,
  reason_codes: criteria.reason_codes.map((reason) => ({ ...reason, key: crypto.randomUUID() })),
  limits: Object.fromEntries(
    MANUAL_CATEGORIES.map((category) => [
      category,
      criteria.limits
        .filter((limit) => limit.category === category)
        .map((limit) => ({
          currency: limit.currency,
          text: formatMinorUnits(limit.max_amount, limit.currency),
        })),
    ]),
  ) as Draft['limits'],
});

const limitParam = (category: string, currency: string) => `limits.${category}.${currency}`;

/** The limits as the API takes them, or every amount that cannot be read, by field. */
function limitsOf(draft: Draft) {
  const limits: Criteria['limits'] = [];
  const problems: { param: string; message: string }[] = [];
  for (const category of MANUAL_CATEGORIES)
    for (const { currency, text } of draft.limits[category]) {
      const parsed = parseAmount(text, currency);
      if (parsed.ok) limits.push({ category, currency, max_amount: parsed.amount });
      else problems.push({ param: limitParam(category, currency), message: parsed.message });
    }
  return { limits, problems };
}

/** A field of the criteria form in words, for the list of problems. */
function describeCriteriaField(param: string, draft: Draft | undefined): string {
  const [head, second, third] = param.split('.');
  if (head === 'min_rationale_length') return 'Minimum rationale length';
  if (head === 'reason_codes') {
    const row = Number(second) + 1;
    return third === 'label' ? `Label ${row}` : third === 'code' ? `Code ${row}` : 'Reason codes';
  }
  if (head === 'limits' && second && third && !/^\d+$/.test(second))
    return `Maximum ${categoryWords(second).one.toLowerCase()} in ${third}`;
  if (head === 'limits' && second !== undefined && /^\d+$/.test(second) && draft) {
    // The API names a limit by its place in the list it was sent: the same order limitsOf builds.
    const sent = MANUAL_CATEGORIES.flatMap((category) =>
      draft.limits[category].map(
        ({ currency }) => `Maximum ${categoryWords(category).one.toLowerCase()} in ${currency}`,
      ),
    );
    return sent[Number(second)] ?? 'Maximum amounts';
  }
  if (head === 'limits') return 'Maximum amounts';
  if (head === 'version') return 'The criteria you loaded';
  return 'A field';
}

/** The criteria in sentences, for every member who may read payouts. */
export function CriteriaSentences({ criteria }: { criteria: Criteria }) {
  return (
    <>
      <ul className="sentences">
        {MANUAL_CATEGORIES.map((category) => {
          const limits = criteria.limits.filter((limit) => limit.category === category);
          const words = categoryWords(category);
          const amounts = limits.map((limit) => formatMoney(limit.max_amount, limit.currency));
          return (
            <li key={category}>
              {amounts.length === 0
                ? `${words.one}s: refused in every currency (none is listed).`
                : `${words.one}s: at most ${joinOr(amounts)} per payout; other currencies are refused.`}
            </li>
          );
        })}
        <li>
          A rationale needs at least {criteria.min_rationale_length} character
          {criteria.min_rationale_length === 1 ? '' : 's'}.
        </li>
        <li>
          Reasons to choose from: {criteria.reason_codes.map((reason) => reason.label).join(', ') || 'none'}.
        </li>
      </ul>
      <p className="muted">
        {Date.parse(criteria.updated_at) > 0
          ? `Last changed ${dateTime(criteria.updated_at)}.`
          : "Nobody has changed these yet: they are the platform's defaults."}
      </p>
    </>
  );
}

/** The criteria for a member who may read them but not change them. */
export function CriteriaReadOnlyPage() {
  const criteria = useQuery({
    queryKey: ['criteria'],
    queryFn: () => api<Criteria>('/settings/manual-payouts'),
  });
  return (
    <>
      <PageTitle>Manual payout criteria</PageTitle>
      <p>What the portal accepts for support credits and one-time refunds.</p>
      <ErrorNotice error={criteria.error} />
      {criteria.isPending ? (
        <Loading what="the criteria" />
      ) : (
        criteria.data && <CriteriaSentences criteria={criteria.data} />
      )}
      <p className="notice">
        You need the {rolesThatMay('settings.manage')} role to change the payout criteria. Ask an admin of
        your team.
      </p>
    </>
  );
}

/** One category's currencies and maximum amounts: add a currency, change its maximum, remove it. */
function CategoryLimits(props: {
  category: Category;
  rows: { currency: string; text: string }[];
  saved: Criteria['limits'];
  error: unknown;
  onChange: (rows: { currency: string; text: string }[]) => void;
}) {
  const words = categoryWords(props.category);
  const listId = useId();
  const [adding, setAdding] = useState('');
  const [addProblem, setAddProblem] = useState<string | undefined>();
  const add = () => {
    const code = adding.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(code))
      return setAddProblem('Enter a three-letter currency code, such as CHF or JPY.');
    if (!isPayableCurrency(code))
      return setAddProblem(`${code} is not a currency payouts can be made in: choose one from the list.`);
    if (props.rows.some((row) => row.currency === code))
      return setAddProblem(`${code} is already listed for ${words.many}.`);
    setAddProblem(undefined);
    setAdding('');
    props.onChange([...props.rows, { currency: code, text: '' }]);
  };
  return (
    <fieldset className="category-limits">
      <legend>{words.one}s: maximum per payout</legend>
      {props.rows.length === 0 && (
        <p className="muted">No currency: {words.many} are refused until you add one.</p>
      )}
      {props.rows.map((row) => {
        const saved = props.saved.find(
          (limit) => limit.category === props.category && limit.currency === row.currency,
        );
        return (
          <div className="row" key={row.currency}>
            <Field
              label={`Maximum ${words.one.toLowerCase()} in ${row.currency}`}
              hint={`Such as ${exampleAmount(row.currency)} (${decimalsRule(row.currency)})${
                saved ? `. Saved: ${formatMoney(saved.max_amount, row.currency)}` : ''
              }`}
              error={fieldError(props.error, limitParam(props.category, row.currency))}
            >
              {(input) => (
                <input
                  {...input}
                  inputMode="decimal"
                  value={row.text}
                  onChange={(event) =>
                    props.onChange(
                      props.rows.map((other) =>
                        other.currency === row.currency ? { ...other, text: event.target.value } : other,
                      ),
                    )
                  }
                />
              )}
            </Field>
            <button
              type="button"
              className="secondary"
              aria-label={`Remove ${row.currency} from ${words.many}`}
              onClick={() => props.onChange(props.rows.filter((other) => other.currency !== row.currency))}
            >
              Remove
            </button>
          </div>
        );
      })}
      <div className="row">
        <Field
          label={`Add a currency to ${words.many}`}
          hint="A three-letter ISO 4217 code, such as CHF."
          error={addProblem}
        >
          {(input) => (
            <>
              <input
                {...input}
                list={listId}
                maxLength={3}
                autoCapitalize="characters"
                autoComplete="off"
                value={adding}
                onChange={(event) => setAdding(event.target.value)}
                onKeyDown={(event) => {
                  // Enter adds the currency rather than saving the whole form.
                  if (event.key === 'Enter') {
                    event.preventDefault();
                    add();
                  }
                }}
              />
              <datalist id={listId}>
                {PAYABLE_CURRENCIES.filter((code) => !props.rows.some((row) => row.currency === code)).map(
                  (code) => (
                    <option key={code} value={code} />
                  ),
                )}
              </datalist>
            </>
          )}
        </Field>
        <button type="button" className="secondary" onClick={add}>
          Add to {words.many}
        </button>
      </div>
    </fieldset>
  );
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
          'Some maximum amounts need correcting.',
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
      </p>
      {criteria.data && (
        <section aria-labelledby="criteria-in-words">
          <h2 id="criteria-in-words">As saved</h2>
          <CriteriaSentences criteria={criteria.data} />
        </section>
      )}
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate(draft);
        }}
      >
        <FormProblems
          error={save.error ?? criteria.error}
          describe={(param) => describeCriteriaField(param, draft)}
        />
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
                    value={reason.code}
                    onChange={(event) => {
                      const codes = [...draft.reason_codes];
                      codes[index] = { ...reason, code: event.target.value.trim() };
                      change({ reason_codes: codes });
                    }}
                  />
                )}
              </Field>
              <Field
                label={`Label ${index + 1}`}
                error={fieldError(save.error, `reason_codes.${index}.label`)}
              >
                {(input) => (
                  <input
                    {...input}
                    value={reason.label}
                    onChange={(event) => {
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
        <p className="muted">
          Each category lists the currencies its payouts may be made in, with the most one payout may be.
          Amounts are in the currency's own units, such as 250.00 in EUR or 30000 in JPY. A currency that is
          not listed is refused.
        </p>
        {MANUAL_CATEGORIES.map((category) => (
          <CategoryLimits
            key={category}
            category={category}
            rows={draft.limits[category]}
            saved={criteria.data?.limits ?? []}
            error={save.error}
            onChange={(rows) => change({ limits: { ...draft.limits, [category]: rows } })}
          />
        ))}
        <button type="submit" disabled={save.isPending}>
          Save criteria
        </button>
      </form>
    </>
  );
}
