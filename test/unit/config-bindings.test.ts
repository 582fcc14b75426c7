import { describe, expect, it } from 'vitest';
import { queueBinding } from '../../shared/config.js';

describe('queueBinding', () => {
  it('reads the URL or ARN variable the stack sets for a topology queue', () => {
    const env = {
      PAYOUTS_QUEUE_URL_INBOUND_REJECTIONS: 'https://sqs.eu-west-1.amazonaws.com/1/rejections',
      PAYOUTS_QUEUE_ARN_INBOUND_EVENTS: 'arn:aws:sqs:eu-west-1:1:events',
    };
    expect(queueBinding('url', 'inbound-rejections', env)).toBe(env.PAYOUTS_QUEUE_URL_INBOUND_REJECTIONS);
    expect(queueBinding('arn', 'inbound-events', env)).toBe(env.PAYOUTS_QUEUE_ARN_INBOUND_EVENTS);
  });
  it('fails at cold start naming the variable when the binding is missing (never a send to undefined)', () => {
    expect(() => queueBinding('url', 'inbound-rejections', {})).toThrow(
      'PAYOUTS_QUEUE_URL_INBOUND_REJECTIONS is not set',
    );
  });
});
