import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, Fragment, useEffect, useId, useState } from 'react';
import { DESTINATION_TYPES } from '../../../shared/domain/catalog';
import { ApiError, api, loadConfig, type PortalConfig } from '../api';
import { ErrorNotice, Field, fieldProblems, Loading, Notice, PageTitle } from '../components';
import { dateTime, label } from '../format';
import type { Me } from '../types';
import { SepaFiles } from './SepaFiles';

/** A rail the tenant set up (GET /payout-rails `connectors[]`): its credentials are never returned. */
interface ConfiguredRail {
  name: string;
  label: string;
  mode: 'test' | 'live';
  destination_types: string[];
  public_fields: Record<string, string>;
  updated_at: string;
  updated_by: string;
}

/** A rail the deployment offers (`available[]`): the credential fields it takes. */
interface AvailableRail {
  name: string;
  label: string;
  destination_types?: string[];
  fields: string[];
  public_fields?: string[];
}

interface RoutingRule {
  destination_type: string;
  currency: string | null;
  connector: string;
}

interface PayoutRails {
  object: 'payout_rails';
  connectors: ConfiguredRail[];
  available: AvailableRail[];
  sandbox_available: boolean;
  rules: RoutingRule[];
  default_connector: string | null;
  version: number;
}

interface ConnectionTest {
  object: 'connection_test';
  connector: string;
  ok: boolean;
  detail: string;
}

const RAILS_KEY = ['payout-rails'];

/**
 * Credential fields in words, by field name (the API names the fields, not what they are called).
 * A field not listed here is shown under its own name.
 */
const FIELD_TEXT: Record<string, { label: string; hint?: string }> = {
  secret_key: {
    label: 'Secret key',
    hint: 'sk_test_…, sk_live_…, or a restricted key rk_… allowed to write Transfers and read Balance.',
  },
  webhook_secret: {
    label: 'Webhook signing secret',
    hint: 'whsec_…: shown once you add the webhook URL above to the provider.',
  },
  api_key: { label: 'API key', hint: 'Of an API credential with the TransferService Webservice roles.' },
  balance_account_id: { label: 'Balance account id', hint: 'The account payouts leave from: BA…' },
  hmac_key: {
    label: 'HMAC key',
    hint: 'The hex HMAC key of the webhook endpoint (Customer Area → Developers → Webhooks).',
  },
  client_id: { label: 'Client id', hint: 'Of the REST app that sends the payouts.' },
  client_secret: { label: 'Client secret', hint: 'Of the same REST app.' },
  webhook_id: {
    label: 'Webhook id',
    hint: 'The id the provider gives the webhook URL above once you add it.',
  },
  // SEPA credit transfer files: the account the transfers leave from, and when files are cut.
  debtor_name: {
    label: 'Account holder name',
    hint: 'The name of the company account the salaries are paid from, as the bank knows it (up to 70 characters).',
  },
  debtor_iban: {
    label: 'IBAN',
    hint: 'The IBAN of that account, such as DE89 3704 0044 0532 0130 00 (spaces are fine).',
  },
  debtor_bic: {
    label: 'BIC',
    hint: 'The BIC of that account’s bank: 8 or 11 characters, such as COBADEFFXXX.',
  },
  cut_off: {
    label: 'Cut-off',
    hint: 'When the waiting payouts go into a file: hourly (a file every hour), or a time of day such as 14:00 (one file a day, 24-hour clock).',
  },
  time_zone: {
    label: 'Time zone',
    hint: 'The time zone of the cut-off time, such as Europe/Berlin.',
  },
};

const fieldText = (field: string) => FIELD_TEXT[field] ?? { label: label(field) };

/** A saved setting as a person reads it ("Every hour" rather than `hourly`). */
const SETTING_TEXT: Record<string, (value: string) => string> = {
  cut_off: (value) =>
    value === 'hourly' ? 'Every hour' : /^\d{2}:\d{2}$/.test(value) ? `Every day at ${value}` : value,
};
const settingText = (field: string, value: string) => SETTING_TEXT[field]?.(value) ?? value;

/**
 * A rail whose fields are all public has no secret: what it takes are settings (an account, a
 * schedule), shown back and prefilled, and nothing signs webhooks for it (SEPA files: the bank
 * answers with files). Told apart by its fields, never by its name.
 */
const settingsOnly = (rail: Pick<AvailableRail, 'fields' | 'public_fields'>) =>
  rail.fields.length > 0 && rail.fields.every((field) => rail.public_fields?.includes(field));

const DESTINATION_TEXT: Record<string, string> = {
  bank_account: 'Bank account (IBAN)',
  email: 'Email',
  stripe_account: 'Stripe account',
};

const destinationText = (type: string) => DESTINATION_TEXT[type] ?? label(type);

/**
 * An API validation message as a sentence about the field it names: the API says what a value must
 * be ("an Adyen balance account id (BA…)", "must be a Stripe webhook signing secret…"), the page says
 * it to a person ("Enter an Adyen balance account id (BA…).").
 */
function inWords(fieldLabel: string, message: string): string {
  const text = message.trim().replace(/\.$/, '');
  const sentence = (words: string) => `${words.charAt(0).toUpperCase()}${words.slice(1)}.`;
  // A message that names the field itself ("The account holder name must be at most 70 characters").
  const named = fieldLabel.toLowerCase();
  if (text.toLowerCase().startsWith(named) || text.toLowerCase().startsWith(`the ${named}`))
    return sentence(text);
  if (/^(an?|the) /i.test(text)) return sentence(`enter ${text}`);
  if (/^(must|is|may|has|needs|cannot) /.test(text)) return sentence(`${fieldLabel} ${text}`);
  if (/^Too big/.test(text)) return sentence(`${fieldLabel} is too long`);
  if (/^(Too small|Invalid input)/.test(text)) return sentence(`enter the ${fieldLabel.toLowerCase()}`);
  return sentence(text);
}

/**
 * The problem the API named for a field, in words, under the field's own label; undefined when it
 * named none. The API's message is taken as written ("must be a valid BIC"), not the portal-wide
 * wording, which names the field by its path ("Credentials: Debtor iban must…").
 */
function problemOf(error: unknown, params: string[], fieldLabel: string): string | undefined {
  for (const param of params) {
    const messages = fieldProblems(error)
      .filter((problem) => problem.param === param)
      .map((problem) => inWords(fieldLabel, problem.message));
    if (messages.length > 0) return [...new Set(messages)].join(' ');
  }
  return undefined;
}

/**
 * The summary above a form whose fields the API refused: how many need correcting (each is shown
 * beside its field), and in full any problem that names no field on the form.
 */
function FormProblems({ error, params }: { error: unknown; params: string[] }) {
  if (!(error instanceof ApiError) || error.details.length === 0) return <ErrorNotice error={error} />;
  const elsewhere = error.details.filter((detail) => !params.includes(detail.param));
  const beside = error.details.length - elsewhere.length;
  return (
    <div className="notice error" role="alert">
      <strong>
        {beside === 1
          ? 'One field needs correcting: see below.'
          : beside > 1
            ? `${beside} fields need correcting: see below.`
            : 'This could not be saved.'}
      </strong>
      {elsewhere.length > 0 && (
        <ul>
          {elsewhere.map((detail) => (
            <li key={detail.param}>{inWords(label(detail.param), detail.message)}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * Where a provider sends its status updates for this tenant. The API's public address is only known
 * when the portal is served from the same origin as the API (locally) or config.json names it.
 */
function webhookAddress(config: PortalConfig | undefined, name: string, tenantId: string) {
  const path = `/v1/provider-webhooks/${encodeURIComponent(name)}/${encodeURIComponent(tenantId)}`;
  const base = config?.publicApiBase ?? (config?.stage === 'local' ? window.location.origin : undefined);
  return { path, url: base === undefined ? undefined : `${base.replace(/\/$/, '')}${path}` };
}

function WebhookUrl(props: { config: PortalConfig | undefined; rail: string; tenantId: string }) {
  const address = webhookAddress(props.config, props.rail, props.tenantId);
  return (
    <>
      <dt>Webhook URL</dt>
      <dd>
        <code className="url">{address.url ?? address.path}</code>
        <p className="muted">
          {address.url
            ? 'Add this address as a webhook endpoint in the provider’s dashboard: it is how payouts learn they were paid, failed or came back.'
            : 'Add this path, after your payouts API’s address (the one your systems call, such as https://api.example.com), as a webhook endpoint in the provider’s dashboard: it is how payouts learn they were paid, failed or came back.'}
        </p>
      </dd>
    </>
  );
}

/**
 * The credentials form of one rail. Nothing is prefilled (credentials are write-only) and the inputs
 * are uncontrolled, so no typed secret becomes an attribute of the page; the form is emptied on save.
 * A rail with settings only (no secret) is prefilled with what is saved.
 */
function CredentialsForm(props: {
  rail: AvailableRail;
  configured: ConfiguredRail | undefined;
  onSaved: (rails: PayoutRails) => void;
}) {
  const { rail, configured } = props;
  const [mode, setMode] = useState<'test' | 'live'>(configured?.mode ?? 'test');
  const [missing, setMissing] = useState<ApiError | undefined>();
  const save = useMutation({
    mutationFn: (credentials: Record<string, string>) =>
      api<PayoutRails>(`/payout-rails/connectors/${encodeURIComponent(rail.name)}`, {
        method: 'PUT',
        body: { mode, credentials },
      }),
  });
  const error = missing ?? save.error;
  const params = rail.fields.map((field) => `credentials.${field}`);
  const visible = new Set(rail.public_fields ?? []);
  const settings = settingsOnly(rail);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const credentials = Object.fromEntries(
      rail.fields.map((field) => [field, String(data.get(field) ?? '').trim()]),
    );
    // Every field is needed each time: stored credentials (and settings) are replaced whole, never merged.
    const empty = rail.fields.filter((field) => credentials[field] === '');
    if (empty.length > 0) {
      setMissing(
        new ApiError(
          400,
          'validation_failed',
          'Fill in every field.',
          undefined,
          empty.map((field) => ({ param: `credentials.${field}`, message: 'is required' })),
        ),
      );
      return;
    }
    setMissing(undefined);
    save.mutate(credentials, {
      onSuccess: (saved) => {
        form.reset();
        props.onSaved(saved);
      },
    });
  }

  return (
    <form
      className="form"
      noValidate
      onSubmit={submit}
      aria-label={`${settings ? 'Settings' : 'Credentials'} of ${rail.label}`}
    >
      <FormProblems error={error} params={params} />
      {configured && !settings && (
        <p className="muted">
          The stored credentials are never shown: enter every field again to replace them.
        </p>
      )}
      <fieldset className="inline">
        <legend>Mode</legend>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            value="test"
            checked={mode === 'test'}
            onChange={() => setMode('test')}
          />
          {settings
            ? 'Test (for payouts made with test API keys)'
            : "Test (the provider's test environment, no real money)"}
        </label>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            value="live"
            checked={mode === 'live'}
            onChange={() => setMode('live')}
          />
          {settings ? 'Live (for payouts made with live API keys)' : 'Live (moves real money)'}
        </label>
      </fieldset>
      {rail.fields.map((field) => {
        const text = fieldText(field);
        return (
          <Field
            key={field}
            label={text.label}
            hint={text.hint}
            error={problemOf(error, [`credentials.${field}`], text.label)}
          >
            {(input) => (
              <input
                {...input}
                name={field}
                type={visible.has(field) ? 'text' : 'password'}
                defaultValue={settings ? configured?.public_fields[field] : undefined}
                autoComplete="off"
                spellCheck={false}
                required
              />
            )}
          </Field>
        );
      })}
      <button type="submit" disabled={save.isPending}>
        {save.isPending ? 'Saving…' : `Save ${rail.label}`}
      </button>
    </form>
  );
}

/** One rail the deployment offers: whether it is set up, its webhook URL, its connection test, its form. */
function RailCard(props: {
  rail: AvailableRail;
  configured: ConfiguredRail | undefined;
  config: PortalConfig | undefined;
  tenantId: string;
}) {
  const { rail, configured } = props;
  const queryClient = useQueryClient();
  const headingId = useId();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const saveRails = (rails: PayoutRails) => queryClient.setQueryData(RAILS_KEY, rails);
  const test = useMutation({
    mutationFn: () =>
      api<ConnectionTest>(`/payout-rails/connectors/${encodeURIComponent(rail.name)}/test`, {
        method: 'POST',
      }),
  });
  const remove = useMutation({
    mutationFn: () =>
      api<PayoutRails>(`/payout-rails/connectors/${encodeURIComponent(rail.name)}`, { method: 'DELETE' }),
    onSuccess: (rails) => {
      test.reset();
      setSaved(false);
      saveRails(rails);
    },
  });
  const carries = configured?.destination_types ?? rail.destination_types ?? [];
  const showForm = rail.fields.length > 0 && (!configured || editing);
  // Settings only (no secret): nothing to call, no webhook, and its settings are shown back.
  const settings = settingsOnly(rail);
  const stored = settings ? 'settings' : 'credentials';

  return (
    <section className="card rail" aria-labelledby={headingId}>
      <div className="rail-heading">
        <h2 id={headingId}>{rail.label}</h2>
        {configured ? (
          <span className={`badge mode-${configured.mode}`}>
            {configured.mode === 'live' ? 'Live mode' : 'Test mode'}
          </span>
        ) : (
          <span className="badge">Not set up</span>
        )}
      </div>
      {saved && configured && (
        <Notice>
          The {stored} of {rail.label} were saved.
        </Notice>
      )}
      <ErrorNotice error={remove.error} />
      <dl className="details">
        <dt>Carries</dt>
        <dd>{carries.length ? carries.map(destinationText).join(', ') : '—'}</dd>
        {configured &&
          Object.entries(configured.public_fields).map(([field, value]) => (
            <Fragment key={field}>
              <dt>{fieldText(field).label}</dt>
              <dd>{settings ? settingText(field, value) : <code>{value}</code>}</dd>
            </Fragment>
          ))}
        {configured && (
          <>
            <dt>Last set</dt>
            <dd>
              {dateTime(configured.updated_at)} by {configured.updated_by}
            </dd>
          </>
        )}
        {!settings && <WebhookUrl config={props.config} rail={rail.name} tenantId={props.tenantId} />}
      </dl>
      {configured && (
        <>
          <div className="row-actions">
            {!settings && (
              <button
                type="button"
                className="secondary"
                aria-label={`Test connection of ${rail.label}`}
                disabled={test.isPending}
                onClick={() => {
                  setSaved(false);
                  test.mutate();
                }}
              >
                Test connection
              </button>
            )}
            {rail.fields.length > 0 && (
              <button
                type="button"
                className="secondary"
                aria-expanded={editing}
                onClick={() => {
                  setEditing(!editing);
                  setSaved(false);
                }}
              >
                {settings
                  ? editing
                    ? 'Keep the saved settings'
                    : 'Change settings'
                  : editing
                    ? 'Keep the stored credentials'
                    : 'Replace credentials'}
              </button>
            )}
            <button
              type="button"
              className="danger"
              aria-label={`Remove ${rail.label}`}
              disabled={remove.isPending}
              onClick={() => {
                if (
                  window.confirm(
                    `Remove ${rail.label}? Its ${stored} are deleted and its routing rules go with it; payouts already routed to it wait or fail until it is set up again.`,
                  )
                )
                  remove.mutate();
              }}
            >
              Remove
            </button>
          </div>
          {/* Present before any test runs, so screen readers announce the result when it arrives. */}
          <p
            role="status"
            className={`connection-test${test.data ? (test.data.ok ? ' ok' : ' failed') : ''}`}
          >
            {test.isPending
              ? 'Testing the connection…'
              : test.data
                ? `${test.data.ok ? 'Connection works' : 'Connection failed'}: ${test.data.detail}`
                : test.error
                  ? `The test could not run: ${test.error.message}`
                  : ''}
          </p>
        </>
      )}
      {showForm && (
        <CredentialsForm
          rail={rail}
          configured={configured}
          onSaved={(rails) => {
            saveRails(rails);
            test.reset();
            setEditing(false);
            setSaved(true);
          }}
        />
      )}
    </section>
  );
}

/** A routing rule while it is edited: the currency stays what was typed until the rules are saved. */
interface DraftRule {
  key: string;
  destination_type: string;
  currency: string;
  connector: string;
}

/** A rail rules may name: a configured connector, or the sandbox where the deployment offers it. */
interface UsableRail {
  name: string;
  label: string;
  /** undefined: carries every destination type (the sandbox). */
  carries: string[] | undefined;
}

const canCarry = (rail: UsableRail, type: string) => !rail.carries || rail.carries.includes(type);

/** The rules as the API takes them, or the problems the page sees before asking the API, by field. */
function rulesOf(rules: DraftRule[]) {
  const problems: { param: string; message: string }[] = [];
  const body = rules.map((rule, index) => {
    const currency = rule.currency.trim().toUpperCase();
    if (currency !== '' && !/^[A-Z]{3}$/.test(currency))
      problems.push({
        param: `rules[${index}].currency`,
        message: 'must be a three-letter currency code such as EUR, or empty for every currency',
      });
    if (rule.connector === '')
      problems.push({
        param: `rules[${index}].connector`,
        message: 'Choose a rail that carries this destination type (set one up above).',
      });
    return { destination_type: rule.destination_type, currency: currency || null, connector: rule.connector };
  });
  return { body, problems };
}

const toDraft = (rules: RoutingRule[]): DraftRule[] =>
  rules.map((rule) => ({ ...rule, key: crypto.randomUUID(), currency: rule.currency ?? '' }));

/** A rule's field error, whichever way the API spelled its path (`rules[0].x` or `rules.0.x`). */
const ruleProblem = (error: unknown, index: number, field: string, fieldLabel: string) =>
  problemOf(error, [`rules[${index}].${field}`, `rules.${index}.${field}`], fieldLabel);

function RoutingRules({ rails }: { rails: PayoutRails }) {
  const queryClient = useQueryClient();
  const usable: UsableRail[] = [
    ...(rails.sandbox_available
      ? [
          {
            name: 'sandbox',
            label: rails.available.find((rail) => rail.name === 'sandbox')?.label ?? 'Sandbox',
            carries: undefined,
          },
        ]
      : []),
    ...rails.connectors.map((rail) => ({
      name: rail.name,
      label: rail.label,
      carries: rail.destination_types,
    })),
  ];
  const [rules, setRules] = useState<DraftRule[]>(() => toDraft(rails.rules));
  const [fallback, setFallback] = useState(rails.default_connector ?? '');
  // The stored routing changes when it is saved or a connector is removed (its rules go with it);
  // saving a connector's credentials leaves it alone, and so leaves the rules being edited alone.
  const stored = JSON.stringify([rails.rules, rails.default_connector]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `stored` stands for the rules and default it is made of.
  useEffect(() => {
    setRules(toDraft(rails.rules));
    setFallback(rails.default_connector ?? '');
  }, [stored]);
  const save = useMutation({
    mutationFn: () => {
      const { body, problems } = rulesOf(rules);
      if (problems.length > 0)
        throw new ApiError(400, 'validation_failed', 'Some rules need correcting.', undefined, problems);
      return api<PayoutRails>('/payout-rails/routes', {
        method: 'PUT',
        body: { rules: body, default_connector: fallback || null },
      });
    },
    onSuccess: (saved) => queryClient.setQueryData(RAILS_KEY, saved),
  });
  const change = (key: string, patch: Partial<DraftRule>) =>
    setRules(rules.map((rule) => (rule.key === key ? { ...rule, ...patch } : rule)));
  const params = [
    'default_connector',
    ...rules.flatMap((_, index) =>
      ['destination_type', 'currency', 'connector'].flatMap((field) => [
        `rules[${index}].${field}`,
        `rules.${index}.${field}`,
      ]),
    ),
  ];

  return (
    <section aria-labelledby="routing">
      <h2 id="routing">Routing rules</h2>
      <p>
        A payout leaves through the first rule that matches its destination type and currency (a rule for one
        currency wins over a rule for every currency), else through the default rail if it carries that
        destination type{rails.sandbox_available ? ', else through the sandbox' : ''}. A payout no rail
        carries is refused when it is created.
      </p>
      <form
        className="form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          save.mutate();
        }}
      >
        <FormProblems error={save.error} params={params} />
        {save.isSuccess && <Notice>The routing was saved.</Notice>}
        {rules.length === 0 && <p className="empty">No rules yet.</p>}
        {rules.map((rule, index) => {
          const choices = usable.filter((rail) => canCarry(rail, rule.destination_type));
          return (
            <fieldset key={rule.key}>
              <legend>Rule {index + 1}</legend>
              <div className="rule-row">
                <Field
                  label="Destination type"
                  error={ruleProblem(save.error, index, 'destination_type', 'Destination type')}
                >
                  {(input) => (
                    <select
                      {...input}
                      value={rule.destination_type}
                      onChange={(event) => {
                        const type = event.target.value;
                        const current = usable.find((rail) => rail.name === rule.connector);
                        const keep = current && canCarry(current, type);
                        const first = usable.find((rail) => canCarry(rail, type));
                        change(rule.key, {
                          destination_type: type,
                          connector: keep ? rule.connector : (first?.name ?? ''),
                        });
                      }}
                    >
                      {DESTINATION_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {destinationText(type)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field
                  label="Currency (optional)"
                  hint="Empty: every currency."
                  error={ruleProblem(save.error, index, 'currency', 'Currency')}
                >
                  {(input) => (
                    <input
                      {...input}
                      value={rule.currency}
                      maxLength={3}
                      autoCapitalize="characters"
                      onChange={(event) => change(rule.key, { currency: event.target.value.toUpperCase() })}
                    />
                  )}
                </Field>
                <Field label="Rail" error={ruleProblem(save.error, index, 'connector', 'Rail')}>
                  {(input) => (
                    <select
                      {...input}
                      value={rule.connector}
                      onChange={(event) => change(rule.key, { connector: event.target.value })}
                    >
                      {!choices.some((rail) => rail.name === rule.connector) && (
                        <option value={rule.connector}>
                          {rule.connector ? `${rule.connector} (cannot carry this)` : 'Choose a rail'}
                        </option>
                      )}
                      {choices.map((rail) => (
                        <option key={rail.name} value={rail.name}>
                          {rail.label}
                        </option>
                      ))}
                    </select>
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
          );
        })}
        <button
          type="button"
          className="secondary"
          onClick={() =>
            setRules([
              ...rules,
              {
                key: crypto.randomUUID(),
                destination_type: 'bank_account',
                currency: '',
                connector: usable.find((rail) => canCarry(rail, 'bank_account'))?.name ?? '',
              },
            ])
          }
        >
          Add a rule
        </button>
        <Field
          label="Default rail"
          hint="For payouts no rule matches, when it carries their destination type."
          error={problemOf(save.error, ['default_connector'], 'Default rail')}
        >
          {(input) => (
            <select {...input} value={fallback} onChange={(event) => setFallback(event.target.value)}>
              <option value="">No default rail</option>
              {usable.map((rail) => (
                <option key={rail.name} value={rail.name}>
                  {rail.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save routing'}
        </button>
      </form>
    </section>
  );
}

/**
 * Payout rails (admins): the payment providers payouts leave through. Credentials are write-only:
 * the API never returns them, so the page shows only what is safe (mode, account ids, who set them).
 */
export function PayoutRailsPage({ me }: { me: Me }) {
  const rails = useQuery({ queryKey: RAILS_KEY, queryFn: () => api<PayoutRails>('/payout-rails') });
  const config = useQuery({ queryKey: ['portal-config'], queryFn: loadConfig, staleTime: Infinity });

  if (rails.isPending) return <Loading what="the payout rails" />;
  if (rails.error)
    return (
      <>
        <PageTitle>Payout rails</PageTitle>
        <ErrorNotice error={rails.error} />
      </>
    );
  const data = rails.data;
  const configurable = data.available.filter((rail) => rail.fields.length > 0);
  // A configured rail the deployment no longer offers is still listed (it can be removed).
  const offered = [
    ...configurable,
    ...data.connectors
      .filter((rail) => !configurable.some((candidate) => candidate.name === rail.name))
      .map((rail) => ({ name: rail.name, label: rail.label, fields: [] as string[] })),
  ];
  const sandbox = data.available.find((rail) => rail.name === 'sandbox');

  return (
    <div className="rails">
      <PageTitle>Payout rails</PageTitle>
      <p>
        The payment providers and bank files your payouts leave through. Credentials are stored encrypted and
        never shown again, not even to admins; the connection test makes one harmless call to the provider
        with them. SEPA credit transfer files need no secret: their settings (the account paid from, the
        cut-off) are shown back.
      </p>
      {data.sandbox_available && sandbox && (
        <section className="card rail" aria-labelledby="rail-sandbox">
          <div className="rail-heading">
            <h2 id="rail-sandbox">{sandbox.label}</h2>
            <span className="badge">Built in</span>
          </div>
          <p className="muted">
            Offered by this deployment for trying the platform: it needs no set-up, carries every destination
            type and moves no money.
          </p>
        </section>
      )}
      {offered.map((rail) => {
        const configured = data.connectors.find((candidate) => candidate.name === rail.name);
        return (
          <Fragment key={rail.name}>
            <RailCard rail={rail} configured={configured} config={config.data} tenantId={me.tenant_id} />
            {/* The one rail that leaves in files: its files, right below its card, once it is set up. */}
            {rail.name === 'sepa_file' && configured && (
              <SepaFiles railLabel={rail.label} settingsAt={configured.updated_at} />
            )}
          </Fragment>
        );
      })}
      <RoutingRules rails={data} />
    </div>
  );
}
