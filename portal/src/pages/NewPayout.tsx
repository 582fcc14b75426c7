import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { ATTACHMENT_TYPES, MANUAL_CATEGORIES, MAX_ATTACHMENT_BYTES } from '../../../shared/domain/catalog';
import { decimalsRule, exampleAmount, formatMoney, parseAmount } from '../../../shared/domain/money';
import { ApiError, api, uploadFile } from '../api';
import { ErrorNotice, Field, fieldError, Loading, PageTitle } from '../components';
import { label } from '../format';
import type { Criteria } from '../types';

interface Upload {
  key: string;
  upload_url: string;
  upload_headers: Record<string, string>;
}

/**
 * A support credit or one-time refund with its documentation. One idempotency key per form: a double
 * click or a retry after a network error never pays twice.
 */
export function NewPayoutPage() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const criteria = useQuery({
    queryKey: ['criteria'],
    queryFn: () => api<Criteria>('/settings/manual-payouts'),
  });
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [category, setCategory] = useState<string>(MANUAL_CATEGORIES[0]);
  const [currency, setCurrency] = useState('EUR');
  const [destinationType, setDestinationType] = useState<'email' | 'bank_account' | 'stripe_account'>(
    'email',
  );
  const [rationale, setRationale] = useState('');
  const [file, setFile] = useState<File | undefined>();
  const [localError, setLocalError] = useState<ApiError | undefined>();

  const create = useMutation({
    mutationFn: async (form: FormData) => {
      const text = (name: string) => String(form.get(name) ?? '').trim();
      // The same rule as CSV files and the CLI (shared/domain/money.ts): what is typed is what is paid.
      const parsed = parseAmount(text('amount'), currency);
      if (!parsed.ok) throw new ApiError(400, 'validation_failed', `Amount ${parsed.message}`, 'amount');
      const amount = parsed.amount;
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
        body: {
          category,
          amount,
          currency,
          customer_reference: text('customer_reference'),
          reason_code: text('reason_code'),
          rationale,
          ticket_url: text('ticket_url'),
          destination:
            destinationType === 'email'
              ? { type: 'email', email: text('email') }
              : destinationType === 'stripe_account'
                ? { type: 'stripe_account', account: text('stripe_account') }
                : {
                    type: 'bank_account',
                    account_holder_name: text('account_holder_name'),
                    iban: text('iban'),
                  },
          ...(attachment ? { attachment } : {}),
        },
      });
    },
    onSuccess: async (payout) => {
      await queryClient.invalidateQueries({ queryKey: ['payouts'] });
      navigate(`/payouts/${payout.id}`, { state: { created: true } });
    },
  });

  if (criteria.isPending) return <Loading what="the payout criteria" />;
  if (criteria.error) return <ErrorNotice error={criteria.error} />;
  const limit = criteria.data.limits.find(
    (entry) => entry.category === category && entry.currency === currency,
  );
  const currencies = [...new Set(criteria.data.limits.map((entry) => entry.currency))];
  const error = localError ?? create.error;
  const minimum = criteria.data.min_rationale_length;

  function chooseFile(chosen: File | undefined) {
    setLocalError(undefined);
    if (chosen && !(ATTACHMENT_TYPES as readonly string[]).includes(chosen.type)) {
      setLocalError(
        new ApiError(
          400,
          'validation_failed',
          'attachment: must be a PDF, PNG, JPEG or text file',
          'attachment',
        ),
      );
      return setFile(undefined);
    }
    if (chosen && chosen.size > MAX_ATTACHMENT_BYTES) {
      setLocalError(
        new ApiError(400, 'validation_failed', 'attachment: must be at most 10 MB', 'attachment'),
      );
      return setFile(undefined);
    }
    setFile(chosen);
  }

  return (
    <>
      <PageTitle>New manual payout</PageTitle>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!localError) create.mutate(new FormData(event.currentTarget));
        }}
      >
        <ErrorNotice error={error} />
        <fieldset>
          <legend>Kind of payout</legend>
          {MANUAL_CATEGORIES.map((option) => (
            <label key={option} className="radio">
              <input
                type="radio"
                name="category"
                value={option}
                checked={category === option}
                onChange={() => setCategory(option)}
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
          {(input) => <input {...input} name="customer_reference" required maxLength={128} />}
        </Field>
        <div className="row">
          <Field
            label="Amount"
            hint={`${decimalsRule(currency)}, such as ${exampleAmount(currency)}. ${
              limit
                ? `At most ${formatMoney(limit.max_amount, currency)} for a ${label(category).toLowerCase()}.`
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
                placeholder={exampleAmount(currency)}
              />
            )}
          </Field>
          <Field label="Currency" error={fieldError(error, 'currency')}>
            {(input) => (
              <select
                {...input}
                name="currency"
                value={currency}
                onChange={(event) => setCurrency(event.target.value)}
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
              checked={destinationType === 'email'}
              onChange={() => setDestinationType('email')}
            />
            Email (the recipient claims it)
          </label>
          <label className="radio">
            <input
              type="radio"
              name="destination_type"
              checked={destinationType === 'bank_account'}
              onChange={() => setDestinationType('bank_account')}
            />
            Bank account (IBAN)
          </label>
          <label className="radio">
            <input
              type="radio"
              name="destination_type"
              checked={destinationType === 'stripe_account'}
              onChange={() => setDestinationType('stripe_account')}
            />
            Stripe account (a connected account of your Stripe platform)
          </label>
          {destinationType === 'email' ? (
            <Field label="Recipient email" error={fieldError(error, 'destination.email')}>
              {(input) => <input {...input} name="email" type="email" required />}
            </Field>
          ) : destinationType === 'stripe_account' ? (
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
                />
              )}
            </Field>
          ) : (
            <>
              <Field label="Account holder name" error={fieldError(error, 'destination.account_holder_name')}>
                {(input) => <input {...input} name="account_holder_name" required />}
              </Field>
              <Field label="IBAN" error={fieldError(error, 'destination.iban')}>
                {(input) => <input {...input} name="iban" required autoComplete="off" />}
              </Field>
            </>
          )}
        </fieldset>
        <Field label="Reason" error={fieldError(error, 'reason_code')}>
          {(input) => (
            <select {...input} name="reason_code" required defaultValue="">
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
          hint={`Why this payout is right, for the approver and the auditor: at least ${minimum} characters (${rationale.trim().length} so far).`}
          error={fieldError(error, 'rationale')}
        >
          {(input) => (
            <textarea
              {...input}
              name="rationale"
              rows={4}
              required
              value={rationale}
              onChange={(event) => setRationale(event.target.value)}
            />
          )}
        </Field>
        <Field
          label="Ticket URL"
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
