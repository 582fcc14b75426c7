/** Digits after the decimal point of a currency (ISO 4217 exponent): EUR 2, JPY 0, BHD 3. */
export function exponentOf(currency: string): number {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2
    );
  } catch {
    return 2;
  }
}

/** Minor units → "€1,050.00". */
export function money(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(amount / 10 ** exponent);
  } catch {
    return `${(amount / 10 ** exponent).toFixed(exponent)} ${currency}`;
  }
}

/** 1050 minor units in EUR → "10.50": what an amount field shows (the inverse of toMinorUnits). */
export function toDecimalText(amount: number, currency: string): string {
  const exponent = exponentOf(currency);
  return (amount / 10 ** exponent).toFixed(exponent);
}

/** "10.50" in EUR → 1050 minor units; undefined when the text is not an amount with at most the exponent's digits. */
export function toMinorUnits(text: string, currency: string): number | undefined {
  const exponent = exponentOf(currency);
  const match = /^(\d{1,12})(?:[.,](\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return undefined;
  return Number(match[1]) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
}

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

export function label(code: string): string {
  const text = code.replace(/[._]/g, ' ');
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
