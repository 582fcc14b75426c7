import type { Node } from 'constructs';
import { API_THROTTLE } from '../shared/topology.js';

/** What an operator sets at deploy time (`cdk deploy -c name=value`), validated up front. */
export interface DeploymentSettings {
  /**
   * Whether tenants may use the sandbox rail (test outcomes, no money moves): `off` by default, so a
   * production deployment can never mark a payout paid that no provider carried; `on` for a test
   * account. Real rails (Stripe, Adyen, PayPal) are each tenant's own configuration, not a setting.
   */
  sandboxRail: 'off' | 'on';
  /** Webhook URL schemes: `https`, or `https,http` for a test account's plain-http receivers. */
  webhookSchemes: 'https' | 'https,http';
  /**
   * Which events go on the platform's bus (D80): `routed` (those its rules route) or `all` (every
   * event, for rules of the operator's own; $1 per million events each). Webhooks do not need it.
   */
  busEvents: 'routed' | 'all';
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
  sandboxRail: ['off', 'on'],
  webhookSchemes: ['https', 'https,http'],
  reserveConcurrency: ['on', 'off'],
  portalMfa: ['roles', 'everyone'],
  busEvents: ['routed', 'all'],
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
  const sandboxRail = choice('sandboxRail');
  if (node.tryGetContext('provider') !== undefined)
    problems.push(
      '-c provider: replaced by per-tenant connectors (npm run payouts -- connectors set …) and -c sandboxRail=on|off',
    );
  const webhookSchemes = choice('webhookSchemes');
  const reserveConcurrency = choice('reserveConcurrency');
  const portalMfa = choice('portalMfa');
  const busEvents = choice('busEvents');
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
    sandboxRail,
    webhookSchemes,
    apiRateLimit,
    apiBurstLimit,
    reserveConcurrency,
    portalMfa,
    busEvents,
    ...(typeof alarmEmail === 'string' ? { alarmEmail } : {}),
  };
}
