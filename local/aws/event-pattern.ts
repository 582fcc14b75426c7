/**
 * EventBridge event pattern matching, for the local bus: the same patterns the CDK stack deploys
 * (shared/topology.ts RULES) decide locally which events reach which queue. Supported: exact values
 * (strings, numbers, booleans, null), nested objects, arrays in the event (any element matches),
 * `prefix`, `suffix`, `anything-but` (a value or a list), `exists`, `numeric`, `equals-ignore-case`
 * and `$or`. Anything else throws, so an unsupported pattern fails loudly instead of never matching.
 */
type Pattern = Record<string, unknown>;

function matchesOperator(operator: Record<string, unknown>, value: unknown, present: boolean): boolean {
  const [name, argument] = Object.entries(operator)[0] ?? [];
  switch (name) {
    case 'exists':
      return present === argument;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(argument as string);
    case 'suffix':
      return typeof value === 'string' && value.endsWith(argument as string);
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(argument).toLowerCase();
    case 'anything-but': {
      if (!present) return false;
      const excluded = Array.isArray(argument) ? argument : [argument];
      return !excluded.includes(value);
    }
    case 'numeric': {
      if (typeof value !== 'number') return false;
      const conditions = argument as (string | number)[];
      for (let i = 0; i < conditions.length; i += 2) {
        const bound = conditions[i + 1] as number;
        const ok = {
          '<': value < bound,
          '<=': value <= bound,
          '>': value > bound,
          '>=': value >= bound,
          '=': value === bound,
        }[conditions[i] as string];
        if (!ok) return false;
      }
      return true;
    }
    default:
      throw new Error(`Unsupported event pattern operator: ${name}`);
  }
}

function matchesValues(allowed: unknown[], value: unknown, present: boolean): boolean {
  const candidates = Array.isArray(value) ? value : [value];
  return allowed.some((rule) => {
    if (rule !== null && typeof rule === 'object') {
      if (!present && 'exists' in rule)
        return matchesOperator(rule as Record<string, unknown>, undefined, false);
      return candidates.some((candidate) =>
        matchesOperator(rule as Record<string, unknown>, candidate, present),
      );
    }
    return present && candidates.some((candidate) => candidate === rule);
  });
}

export function matchesEventPattern(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === '$or') return (rule as Pattern[]).some((branch) => matchesEventPattern(branch, event));
    const present = Object.hasOwn(event, key);
    const value = event[key];
    if (Array.isArray(rule)) return matchesValues(rule, value, present);
    if (rule !== null && typeof rule === 'object') {
      return (
        present &&
        value !== null &&
        typeof value === 'object' &&
        matchesEventPattern(rule as Pattern, value as Record<string, unknown>)
      );
    }
    throw new Error(`Event pattern values must be arrays or objects (at '${key}')`);
  });
}
