import type { Node } from 'constructs';
import { API_THROTTLE } from '../shared/topology.js';

/** What an operator sets at deploy time (`cdk deploy -c name=value`), validated up front. */
export interface DeploymentSettings {
  /** The payout provider: only `sandbox` (deterministic test outcomes) exists so far. */
  provider: 'sandbox';
  /** Webhook URL schemes: `https`, or `https,http` for a test account's plain-http receivers. */
  webhookSchemes: 'https' | 'https,http';
  /** Where alarms are emailed (optional: the SNS topic is there either way). */
  alarmEmail?: string;
  /** The API stage's throttle, requests per second and burst (docs/deploy.md sizes them). */
  apiRateLimit: number;
  apiBurstLimit: number;
  /**
   * Reserve the topology's concurrency for the relay, the executor and the outbox recovery (`on`), or
   * not (`off`: an account whose concurrency limit is still 10 cannot reserve any).
   */
  reserveConcurrency: 'on' | 'off';
  /**
   * Two-step sign-in to the portal (D53): `roles` (admins and approvers must, everyone may; a tenant
   * may require it of everyone) or `everyone` (the user pool asks every user to set it up at sign-in).
   */
  portalMfa: 'roles' | 'everyone';
}

const CHOICES = {
  provider: ['sandbox'],
  webhookSchemes: ['https', 'https,http'],
  reserveConcurrency: ['on', 'off'],
  portalMfa: ['roles', 'everyone'],
} as const;

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
  const reserveConcurrency = choice('reserveConcurrency');
  const portalMfa = choice('portalMfa');
  const count = (key: 'apiRateLimit' | 'apiBurstLimit', fallback: number, max: number): number => {
    const value = Number(node.tryGetContext(key) ?? fallback);
    if (!Number.isInteger(value) || value < 1 || value > max)
      problems.push(`-c ${key}=${String(node.tryGetContext(key))}: must be a whole number from 1 to ${max}`);
    return value;
  };
  // API Gateway's own account limits: 10,000 requests per second, a burst of 5,000.
  const apiRateLimit = count('apiRateLimit', API_THROTTLE.rateLimit, 10_000);
  const apiBurstLimit = count('apiBurstLimit', API_THROTTLE.burstLimit, 5_000);
  const alarmEmail: unknown = node.tryGetContext('alarmEmail');
  if (alarmEmail !== undefined && (typeof alarmEmail !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(alarmEmail)))
    problems.push(`-c alarmEmail=${String(alarmEmail)}: must be an email address`);
  if (problems.length > 0) throw new Error(`Invalid deployment settings:\n- ${problems.join('\n- ')}`);
  return {
    provider,
    webhookSchemes,
    apiRateLimit,
    apiBurstLimit,
    reserveConcurrency,
    portalMfa,
    ...(typeof alarmEmail === 'string' ? { alarmEmail } : {}),
  };
}
