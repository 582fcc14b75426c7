export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "in 2 days", "3 hours ago": for ages and deadlines. */
export function relative(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(seconds, 'second');
}

/** Codes whose words the mechanical rule gets wrong, as a whole ("one_time_refund" is not "One time refund"). */
const CODE_WORDS: Readonly<Record<string, string>> = {
  one_time_refund: 'One-time refund',
  api: 'API',
  paypal: 'PayPal',
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'text/plain': 'Text file',
};

/** Words spelled their own way wherever they appear in a code (abbreviations, brand names). */
const WORDS: Readonly<Record<string, string>> = {
  api: 'API',
  iban: 'IBAN',
  bic: 'BIC',
  url: 'URL',
  csv: 'CSV',
  mfa: 'two-step verification',
  id: 'ID',
  ip: 'IP',
  paypal: 'PayPal',
  stripe: 'Stripe',
  adyen: 'Adyen',
};

/** A code (`support_credit`, `api_key.create`) in words a person reads: "Support credit", "API key create". */
export function label(code: string): string {
  const whole = CODE_WORDS[code];
  if (whole) return whole;
  const text = code
    .split(/[._]/)
    .filter(Boolean)
    .map((word) => WORDS[word] ?? word)
    .join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type Actor =
  | { type: 'member'; id: string; name: string; email: string }
  | { type: 'api_key'; id: string }
  | { type: 'system' };

export function actorName(actor: Actor | null | undefined): string {
  if (!actor) return '—';
  if (actor.type === 'member') return actor.email ? `${actor.name} (${actor.email})` : actor.name;
  if (actor.type === 'api_key') return `API key ${actor.id}`;
  return 'The platform';
}
