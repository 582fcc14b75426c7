import type { Node } from 'constructs';

/** What an operator sets at deploy time (`cdk deploy -c name=value`), validated up front. */
export interface DeploymentSettings {
  /** The payout provider: only `sandbox` (deterministic test outcomes) exists so far. */
  provider: 'sandbox';
  /** Webhook URL schemes: `https`, or `https,http` for a test account's plain-http receivers. */
  webhookSchemes: 'https' | 'https,http';
  /** Where alarms are emailed (optional: the SNS topic is there either way). */
  alarmEmail?: string;
}

const CHOICES = { provider: ['sandbox'], webhookSchemes: ['https', 'https,http'] } as const;

/** Reads the context values; every problem is reported at once. */
export function deploymentSettings(node: Node): DeploymentSettings {
  const problems: string[] = [];
  const choice = <K extends keyof typeof CHOICES>(key: K): (typeof CHOICES)[K][number] => {
    const value: unknown = node.tryGetContext(key) ?? CHOICES[key][0];
    if (!(CHOICES[key] as readonly unknown[]).includes(value))
      problems.push(`-c ${key}=${String(value)}: must be one of ${CHOICES[key].join(' | ')}`);
    return value as (typeof CHOICES)[K][number];
  };
  const provider = choice('provider');
  const webhookSchemes = choice('webhookSchemes');
  const alarmEmail: unknown = node.tryGetContext('alarmEmail');
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)))
    problems.push(`-c alarmEmail=${String(alarmEmail)}: must be an email address`);
  if (problems.length > 0) throw new Error(`Invalid deployment settings:\n- ${problems.join('\n- ')}`);
  return { provider, webhookSchemes, ...(typeof alarmEmail === 'string' ? { alarmEmail } : {}) };
}
