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
