/**
 * What never reaches a log line (issue 10): payout destinations (IBANs, emails, account holders),
 * API keys, webhook secrets and credentials. Two nets: fields known to hold them are replaced
 * whole, and any string anywhere (an error message, a logged event's raw body) has what looks like
 * an IBAN, an API key, a signing secret or an email masked.
 */
const SECRET_FIELDS =
  /^(authorization|cookie|x-api-key|api_?key|secret|secrets|password|token|iban|email|account_holder_name|destination)$/i;

const PATTERNS: [RegExp, (match: string, ...groups: string[]) => string][] = [
  // API keys and webhook secrets: the prefix stays (it says what it was), the rest goes.
  [/\b(sk_(?:test|live)_)[A-Za-z0-9_-]{6,}/g, (_match, prefix) => `${prefix}[redacted]`],
  [/\bwhsec_[A-Za-z0-9+/=_-]{6,}/g, () => 'whsec_[redacted]'],
  // IBANs, with or without the spaces of their printed form: the last four stay, as in the API.
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b/g, (match) => `[iban ••••${match.replace(/ /g, '').slice(-4)}]`],
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
  if (key !== '' && SECRET_FIELDS.test(key) && value !== null && value !== undefined) return '[redacted]';
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
