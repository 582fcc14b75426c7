/**
 * What never reaches a log line (issue 10): payout destinations (IBANs, emails, account holders),
 * API keys, webhook secrets and credentials. Two nets: fields known to hold them are replaced
 * whole, and any string anywhere (an error message, a logged event's raw body) has what looks like
 * an IBAN, an API key, a signing secret or an email masked.
 */
const SECRET_FIELDS = new Set([
  'authorization',
  'cookie',
  'xapikey',
  'apikey',
  'secret',
  'secrets',
  'signingsecret',
  'password',
  'token',
  'iban',
  'email',
  'accountholdername',
  'destination',
]);
/** `account_holder_name`, `accountHolderName` and `Account-Holder-Name` are one field. */
const isSecretField = (key: string) => SECRET_FIELDS.has(key.toLowerCase().replace(/[-_]/g, ''));

/** Where a field's name is lost (a truncated body): `"account_holder_name":"…"` keeps no value. */
const NAMED_VALUE =
  /("(?:account_holder_name|accountHolderName|email|iban|secret)"\s*:\s*)"(?:[^"\\]|\\.)*"/g;

const maskedIban = (match: string) => `[iban ••••${match.replace(/[ -]/g, '').slice(-4).toUpperCase()}]`;

const PATTERNS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  // API keys and webhook secrets: the prefix stays (it says what it was), the rest goes.
  [/\b(sk_(?:test|live)_)[A-Za-z0-9_-]{6,}/g, (_match, prefix) => `${prefix}[redacted]`],
  [/\bwhsec_[A-Za-z0-9+/=_-]{6,}/g, () => 'whsec_[redacted]'],
  [NAMED_VALUE, (_match, name) => `${name}"[redacted]"`],
  // IBANs: compact in any case, or printed in groups of four (spaces or dashes, upper case as
  // printed, so that the next word is not taken for a group). The last four stay, as in the API.
  [/\b[A-Z]{2}\d{2}(?:[ -][A-Z0-9]{1,4}){3,8}\b/g, (match) => maskedIban(match)],
  [/\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b/g, (match) => maskedIban(match)],
  [/[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g, (_match, domain) => `[email @${domain}]`],
];

export function redactText(text: string): string {
  // A JSON document inside a string (a logged event's raw body) gets the field rules too.
  if (/^\s*[[{]/.test(text)) {
    try {
      return JSON.stringify(JSON.parse(text), redactForLog);
    } catch {
      // not JSON: the patterns below still apply
    }
  }
  return PATTERNS.reduce((current, [pattern, replace]) => current.replace(pattern, replace as never), text);
}

/** A JSON replacer for the logger: secret fields replaced, every string scrubbed. */
export function redactForLog(key: string, value: unknown): unknown {
  if (key !== '' && isSecretField(key) && value !== null && value !== undefined) return '[redacted]';
  // A logged event whose body API Gateway base64-encoded: its content cannot be scrubbed as text.
  if (isBase64Event(value)) return { ...value, body: '[base64 body redacted]' };
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      ...(value.stack ? { stack: redactText(value.stack) } : {}),
      ...('code' in value ? { code: (value as { code: unknown }).code } : {}),
    };
  }
  return value;
}

function isBase64Event(value: unknown): value is { isBase64Encoded: true; body: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isBase64Encoded?: unknown }).isBase64Encoded === true &&
    typeof (value as { body?: unknown }).body === 'string'
  );
}
