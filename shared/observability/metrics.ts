import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The platform's own CloudWatch metrics (EMF, through Powertools), and what the alarms query. */
export const METRICS_NAMESPACE = 'Payouts';
export const METRICS_SERVICE = 'payouts';
/** 100 for a failed webhook attempt, 0 for a delivered one: its average is the failure rate in %. */
export const WEBHOOK_ATTEMPT_FAILED = 'WebhookAttemptFailed';
export const WEBHOOK_ENDPOINT_DIMENSION = 'EndpointId';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/**
 * One webhook attempt's outcome, per endpoint (the alarm on any endpoint's failure rate groups by
 * it). Emitted at once, as its own EMF line: a batch of deliveries spans many endpoints.
 */
export function recordWebhookAttempt(endpointId: string, failed: boolean): void {
  const single = metrics.singleMetric();
  single.addDimension(WEBHOOK_ENDPOINT_DIMENSION, endpointId);
  single.addMetric(WEBHOOK_ATTEMPT_FAILED, MetricUnit.Percent, failed ? 100 : 0);
}
