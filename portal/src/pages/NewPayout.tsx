import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ATTACHMENT_TYPES, MANUAL_CATEGORIES, MAX_ATTACHMENT_BYTES } from '../../../shared/domain/catalog';
import { type ManualCategory, manualPayoutProblems } from '../../../shared/domain/manual-payouts';
import {
  decimalsRule,
  exampleAmount,
  formatMinorUnits,
  formatMoney,
  isPayableCurrency,
  parseAmount,
} from '../../../shared/domain/money';
import { ApiError, api, uploadFile } from '../api';
import { ErrorNotice, Field, fieldError, Loading, PageTitle } from '../components';
import { useDraft } from '../drafts';
import { label } from '../format';
import type { Criteria, PortalPayout } from '../types';

interface Upload {
  key: string;
  upload_url: string;
  upload_headers: Record<string, string>;
}

type DestinationType = 'email' | 'bank_account' | 'stripe_account';

/** What the form holds, as typed. */
interface Form {
  category: ManualCategory;
  customer_reference: string;
  amount: string;
  currency: string;
  destinationType: DestinationType;
  email: string;
  account_holder_name: string;
  iban: string;
  stripe_account: string;
  reason_code: string;
  rationale: string;
  ticket_url: string;
}

const EMPTY: Form = {
  category: MANUAL_CATEGORIES[0],
  customer_reference: '',
  amount: '',
  currency: 'EUR',
  destinationType: 'email',
  email: '',
  account_holder_name: '',
  iban: '',
  stripe_account: '',
  reason_code: '',
  rationale: '',
  ticket_url: '',
};

type Problem = { param: string; message: string };

/** The server's request schema as a check of a body: "every problem, each with its field". */
type RequestCheck = (body: unknown) => Problem[];

/**
 * Loads the server's own request schema (zod and the IBAN tables, a chunk of their own, fetched with
 * this page only) as a check of a body.
 */
async function loadRequestCheck(): Promise<RequestCheck> {
  const [{ manualPayoutBody }, { toFieldProblems }] = await Promise.all([
    import('../../../shared/schemas/manual-payout-request'),
    import('../../../shared/schemas/common'),
  ]);
  return (body) => {
    const result = manualPayoutBody.safeParse(body);
    return result.success ? [] : toFieldProblems(result.error);
  };
}

/** The fields in the order the form shows them: problems are listed (and counted) in this order. */
const ORDER = [
  'category',
  'customer_reference',
  'amount',
  'currency',
  'destination',
  'destination.type',
  'destination.email',
  'destination.account',
  'destination.account_holder_name',
  'destination.iban',
  'destination.bic',
  'reason_code',
  'rationale',
  'ticket_url',
  'attachment',
];

/** The request body the form stands for (`amount` undefined while the typed amount is not one). */
function bodyOf(form: Form, amount: number | undefined) {
  const text = (value: string) => value.trim();
  return {
    category: form.category,
    amount,
    currency: form.currency,
    customer_reference: text(form.customer_reference),
    reason_code: form.reason_code,
    rationale: form.rationale,
    ticket_url: text(form.ticket_url),
    destination:
      form.destinationType === 'email'
        ? { type: 'email' as const, email: text(form.email) }
        : form.destinationType === 'stripe_account'
          ? { type: 'stripe_account' as const, account: text(form.stripe_account) }
          : {
              type: 'bank_account' as const,
              account_holder_name: text(form.account_holder_name),
              iban: text(form.iban),
            },
  };
}

/**
 * Every problem of the form at once, one per field, from the rules the server applies: the money
 * module's amount rule, the server's own request schema (shared/schemas/manual-payout-request.ts)
 * and the tenant's criteria (shared/domain/manual-payouts.ts). The server checks again; what it
 * still refuses is shown the same way.
 */
function problemsOf(form: Form, criteria: Criteria, checkRequest: RequestCheck): Problem[] {
  const parsed = parseAmount(form.amount, form.currency);
  const amount = parsed.ok ? parsed.amount : undefined;
  const problems: Problem[] = parsed.ok ? [] : [{ param: 'amount', message: parsed.message }];
  problems.push(
    // The amount's own message (from the money rule) beats the schema's "is required".
    ...checkRequest(bodyOf(form, amount)).filter((problem) => parsed.ok || problem.param !== 'amount'),
  );
  problems.push(
    ...manualPayoutProblems(
      {
        reasonCodes: criteria.reason_codes,
        minRationaleLength: criteria.min_rationale_length,
        limits: criteria.limits.map((limit) => ({
          category: limit.category as ManualCategory,
          currency: limit.currency,
          maxAmount: limit.max_amount,
        })),
      },
      {
        category: form.category,
        amount,
        currency: form.currency,
        reasonCode: form.reason_code,
        rationale: form.rationale,
      },
    ),
  );
  const first = new Map<string, Problem>();
  for (const problem of problems) if (!first.has(problem.param)) first.set(problem.param, problem);
  const rank = (param: string) => (ORDER.includes(param) ? ORDER.indexOf(param) : ORDER.length);
  return [...first.values()].sort((a, b) => rank(a.param) - rank(b.param));
}

/** A rejected (or any) payout's fields as the form's: what "Resubmit as a new request" starts from. */
function formFrom(payout: PortalPayout): Form {
  const destination = payout.destination;
  const type: DestinationType =
    destination.type === 'bank_account' || destination.type === 'stripe_account' ? destination.type : 'email';
  return {
    category: (MANUAL_CATEGORIES as readonly string[]).includes(payout.purpose)
      ? (payout.purpose as ManualCategory)
      : MANUAL_CATEGORIES[0],
    customer_reference: payout.manual?.customer_reference ?? '',
    amount: isPayableCurrency(payout.currency) ? formatMinorUnits(payout.amount, payout.currency) : '',
    currency: payout.currency,
    destinationType: type,
    email: destination.email ?? '',
    account_holder_name: destination.account_holder_name ?? '',
    // A payout keeps only the IBAN's last 4 digits: the requester types it again.
    iban: '',
    stripe_account: destination.account ?? '',
    reason_code: payout.manual?.reason_code ?? '',
    rationale: payout.manual?.rationale ?? '',
    ticket_url: payout.manual?.ticket_url ?? '',
  };
}

/** Where the prefilled form came from, and what it could not copy. */
function PrefilledNotice({ source }: { source: PortalPayout }) {
  const rejection = source.approval?.rejected_by;
  return (
    <div className="notice info" role="status">
      <p>
        <strong>
          Prefilled from payout {source.id}
          {source.status === 'rejected'
            ? ` which was rejected${rejection?.comment ? `: ${rejection.comment}` : '.'}`
            : ` (${label(source.status).toLowerCase()}).`}
        </strong>
      </p>
      <p>
        Check every field before you create the new request; it goes to approval again.{' '}
        {source.manual?.attachment
          ? `The attachment (${source.manual.attachment.filename}) is not copied: choose the file again if it still applies.`
          : 'Attachments are never copied: choose a file if the new request needs one.'}
        {source.destination.type === 'bank_account' &&
          ` Enter the IBAN again: a payout keeps only its last 4 digits (··${source.destination.iban_last4 ?? ''}).`}
      </p>
    </div>
  );
}

/**
 * A support credit or one-time refund with its documentation. Every problem is shown at once beside
 * its field, checked in the browser by the server's own rules before anything is sent. One
 * idempotency key per form: a double click or a retry after a network error never pays twice.
 * `?from=<payout id>` starts from an earlier (rejected) request.
 */
export function NewPayoutPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search] = useSearchParams();
  const from = search.get('from');
  const criteria = useQuery({
    queryKey: ['criteria'],
    queryFn: () => api<Criteria>('/settings/manual-payouts'),
  });
  const source = useQuery({
    queryKey: ['payout', from],
    queryFn: () => api<PortalPayout>(`/payouts/${encodeURIComponent(from ?? '')}`),
    enabled: from !== null && from !== '',
  });
  const requestCheck = useQuery({
    queryKey: ['manual-payout-request-check'],
    queryFn: loadRequestCheck,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [form, setForm] = useState<Form>(EMPTY);
  const [prefilledFrom, setPrefilledFrom] = useState<string | undefined>();
  const [submitted, setSubmitted] = useState(false);
  const [file, setFile] = useState<File | undefined>();
  const [fileProblem, setFileProblem] = useState<string | undefined>();
  const formElement = useRef<HTMLFormElement>(null);
  useDraft(formElement);
  const [focusFirstProblem, setFocusFirstProblem] = useState(0);

  useEffect(() => {
    if (source.data && prefilledFrom !== source.data.id) {
      setForm(formFrom(source.data));
      setPrefilledFrom(source.data.id);
    }
  }, [source.data, prefilledFrom]);

  useEffect(() => {
    if (focusFirstProblem === 0) return;
    formElement.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusFirstProblem]);

  const create = useMutation({
    mutationFn: async (body: ReturnType<typeof bodyOf>) => {
      let attachment: { key: string; filename: string } | undefined;
      if (file) {
        const upload = await api<Upload>('/attachments', {
          method: 'POST',
          body: { filename: file.name, content_type: file.type, size: file.size },
        });
        await uploadFile(upload.upload_url, upload.upload_headers, file);
        attachment = { key: upload.key, filename: file.name };
      }
      return api<{ id: string }>('/payouts', {
        method: 'POST',
        idempotencyKey,
        body: { ...body, ...(attachment ? { attachment } : {}) },
      });
    },
    onSuccess: async (payout) => {
      await queryClient.invalidateQueries({ queryKey: ['payouts'] });
      navigate(`/payouts/${payout.id}`, { state: { created: true } });
    },
  });

  if (criteria.isPending || requestCheck.isPending || source.isLoading)
    return <Loading what="the payout criteria" />;
  if (criteria.error || requestCheck.error)
    return <ErrorNotice error={criteria.error ?? requestCheck.error} />;
  const checkRequest = requestCheck.data;
  const limit = criteria.data.limits.find(
    (entry) => entry.category === form.category && entry.currency === form.currency,
  );
  const currencies = [...new Set([...criteria.data.limits.map((entry) => entry.currency), form.currency])];
  const minimum = criteria.data.min_rationale_length;
  const set = (changes: Partial<Form>) => setForm((current) => ({ ...current, ...changes }));

  // After the first submit the form is checked as it is typed: a corrected field clears at once.
  const problems = [
    ...(submitted ? problemsOf(form, criteria.data, checkRequest) : []),
    ...(fileProblem ? [{ param: 'attachment', message: fileProblem }] : []),
  ];
  const error =
    problems.length > 0 ? new ApiError(400, 'validation_failed', '', undefined, problems) : create.error;
  // The problems shown beside a field; any other (a field the form has no place for) is listed above.
  const beside = [
    'customer_reference',
    'amount',
    'currency',
    ...{
      email: ['destination.email'],
      stripe_account: ['destination.account'],
      bank_account: ['destination.account_holder_name', 'destination.iban'],
    }[form.destinationType],
    'reason_code',
    'rationale',
    'ticket_url',
    'attachment',
    'attachment.key',
    'content_type',
    'size',
  ];

  function chooseFile(chosen: File | undefined) {
    setFileProblem(undefined);
    if (chosen && !(ATTACHMENT_TYPES as readonly string[]).includes(chosen.type)) {
      setFileProblem('must be a PDF, PNG, JPEG or text file');
      return setFile(undefined);
    }
    if (chosen && chosen.size > MAX_ATTACHMENT_BYTES) {
      setFileProblem('must be at most 10 MB');
      return setFile(undefined);
    }
    setFile(chosen);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    const found = problemsOf(form, criteria.data as Criteria, checkRequest);
    if (found.length > 0 || fileProblem) {
      setFocusFirstProblem((count) => count + 1);
      return;
    }
    const parsed = parseAmount(form.amount, form.currency);
    if (parsed.ok) create.mutate(bodyOf(form, parsed.amount));
  }

  return (
    <>
      <PageTitle>New manual payout</PageTitle>
      {source.error && <ErrorNotice error={source.error} />}
      {source.data && <PrefilledNotice source={source.data} />}
      <form ref={formElement} className="form" noValidate onSubmit={submit}>
        <ErrorNotice error={error} besideFields={beside} />
        <fieldset>
          <legend>Kind of payout</legend>
          {MANUAL_CATEGORIES.map((option) => (
            <label key={option} className="radio">
              <input
                type="radio"
                name="category"
                value={option}
                checked={form.category === option}
                onChange={() => set({ category: option })}
              />
              {label(option)}
            </label>
          ))}
        </fieldset>
        <Field
          label="Customer reference"
          hint="The customer's id or account number in your systems."
          error={fieldError(error, 'customer_reference')}
        >
          {(input) => (
            <input
              {...input}
              name="customer_reference"
              required
              maxLength={128}
              value={form.customer_reference}
              onChange={(event) => set({ customer_reference: event.target.value })}
            />
          )}
        </Field>
        <div className="row">
          <Field
            label="Amount"
            hint={`${decimalsRule(form.currency)}, such as ${exampleAmount(form.currency)}. ${
              limit
                ? `At most ${formatMoney(limit.max_amount, form.currency)} for a ${label(form.category).toLowerCase()}.`
                : 'No limit is set for this currency: the payout will be refused.'
            }`}
            error={fieldError(error, 'amount')}
          >
            {(input) => (
              <input
                {...input}
                name="amount"
                inputMode="decimal"
                required
                placeholder={exampleAmount(form.currency)}
                value={form.amount}
                onChange={(event) => set({ amount: event.target.value })}
              />
            )}
          </Field>
          <Field label="Currency" error={fieldError(error, 'currency')}>
            {(input) => (
              <select
                {...input}
                name="currency"
                value={form.currency}
                onChange={(event) => set({ currency: event.target.value })}
              >
                {currencies.map((code) => (
                  <option key={code}>{code}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <fieldset>
          <legend>Pay to</legend>
          <label className="radio">
            <input
              type="radio"
              name="destination_type"
              checked={form.destinationType === 'email'}
              onChange={() => set({ destinationType: 'email' })}
            />
            Email (the recipient claims it)
          </label>
          <label className="radio">
            <input
              type="radio"
              name="destination_type"
              checked={form.destinationType === 'bank_account'}
              onChange={() => set({ destinationType: 'bank_account' })}
            />
            Bank account (IBAN)
          </label>
          <label className="radio">
            <input
              type="radio"
              name="destination_type"
              checked={form.destinationType === 'stripe_account'}
              onChange={() => set({ destinationType: 'stripe_account' })}
            />
            Stripe account (a connected account of your Stripe platform)
          </label>
          {form.destinationType === 'email' ? (
            <Field label="Recipient email" error={fieldError(error, 'destination.email')}>
              {(input) => (
                <input
                  {...input}
                  name="email"
                  type="email"
                  required
                  value={form.email}
                  onChange={(event) => set({ email: event.target.value })}
                />
              )}
            </Field>
          ) : form.destinationType === 'stripe_account' ? (
            <Field
              label="Stripe account id"
              hint="The connected account's id, such as acct_1Nv0FGQ9RKHgCVdK."
              error={fieldError(error, 'destination.account')}
            >
              {(input) => (
                <input
                  {...input}
                  name="stripe_account"
                  required
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="acct_…"
                  value={form.stripe_account}
                  onChange={(event) => set({ stripe_account: event.target.value })}
                />
              )}
            </Field>
          ) : (
            <>
              <Field label="Account holder name" error={fieldError(error, 'destination.account_holder_name')}>
                {(input) => (
                  <input
                    {...input}
                    name="account_holder_name"
                    required
                    value={form.account_holder_name}
                    onChange={(event) => set({ account_holder_name: event.target.value })}
                  />
                )}
              </Field>
              <Field label="IBAN" error={fieldError(error, 'destination.iban')}>
                {(input) => (
                  <input
                    {...input}
                    name="iban"
                    required
                    autoComplete="off"
                    value={form.iban}
                    onChange={(event) => set({ iban: event.target.value })}
                  />
                )}
              </Field>
            </>
          )}
        </fieldset>
        <Field label="Reason" error={fieldError(error, 'reason_code')}>
          {(input) => (
            <select
              {...input}
              name="reason_code"
              required
              value={form.reason_code}
              onChange={(event) => set({ reason_code: event.target.value })}
            >
              <option value="" disabled>
                Choose a reason
              </option>
              {criteria.data.reason_codes.map((reason) => (
                <option key={reason.code} value={reason.code}>
                  {reason.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Rationale"
          hint={`Why this payout is right, for the approver and the auditor: at least ${minimum} characters (${form.rationale.trim().length} so far).`}
          error={fieldError(error, 'rationale')}
        >
          {(input) => (
            <textarea
              {...input}
              name="rationale"
              rows={4}
              required
              value={form.rationale}
              onChange={(event) => set({ rationale: event.target.value })}
            />
          )}
        </Field>
        <Field
          label="Ticket link"
          hint="The support ticket or case this payout answers."
          error={fieldError(error, 'ticket_url')}
        >
          {(input) => (
            <input
              {...input}
              name="ticket_url"
              type="url"
              required
              placeholder="https://support.example.com/tickets/123"
              value={form.ticket_url}
              onChange={(event) => set({ ticket_url: event.target.value })}
            />
          )}
        </Field>
        <Field
          label="Attachment (optional)"
          hint="PDF, PNG, JPEG or text, at most 10 MB: an invoice, a screenshot, the customer's email."
          error={
            fieldError(error, 'attachment') ??
            fieldError(error, 'attachment.key') ??
            fieldError(error, 'content_type') ??
            fieldError(error, 'size')
          }
        >
          {(input) => (
            <input
              {...input}
              name="attachment"
              type="file"
              accept={ATTACHMENT_TYPES.join(',')}
              onChange={(event) => chooseFile(event.target.files?.[0])}
            />
          )}
        </Field>
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create payout'}
        </button>
      </form>
    </>
  );
}
