import { type CutOff, dueSlot } from '../../shared/domain/bank-files.js';
import { AppError, RetryLaterError } from '../../shared/domain/errors.js';

/**
 * The next cut-off after `now` (UTC ISO 8601): the one the scheduler builds next. Daily: the latest
 * cut-off at or before a day from now is the next one, whatever daylight saving does meanwhile.
 */
export function nextCutOff(cutOff: CutOff, now: number): string {
  if (cutOff.every === 'hour') return new Date((Math.floor(now / 3_600_000) + 1) * 3_600_000).toISOString();
  return dueSlot(cutOff, now + 86_400_000 - 60_000).slot;
}

/** The rail is not set up: there is nothing to cut a file for. */
export class SepaNotSetUpError extends AppError {
  constructor() {
    super(
      'conflict_error',
      'sepa_file_not_set_up',
      'SEPA credit transfer files are not set up: save their settings first.',
    );
    this.name = 'SepaNotSetUpError';
  }
}

/**
 * Another run holds the file's build lease (the scheduler, or a second click): a 409 that says when
 * to try again, instead of the opaque 500 a plain RetryLaterError would become.
 */
export function asFileBeingBuilt(error: unknown): never {
  if (!(error instanceof RetryLaterError)) throw error;
  const minutes = Math.max(1, Math.ceil(error.seconds / 60));
  throw new AppError(
    'conflict_error',
    'sepa_file_being_built',
    `A SEPA file is being built right now. Try again in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}.`,
    { headers: { 'retry-after': String(error.seconds) } },
  );
}
