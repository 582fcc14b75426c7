import { Logger } from '@aws-lambda-powertools/logger';
import { redactForLog } from './redact.js';

/**
 * One logger per function; level from POWERTOOLS_LOG_LEVEL (the local runtime sets it). Every line
 * passes through the redaction replacer: no destination, API key or secret is ever written.
 */
export const logger = new Logger({ serviceName: 'payouts', jsonReplacerFn: redactForLog });
