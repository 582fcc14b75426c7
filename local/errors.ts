/** A problem starting the local platform that the user can fix: printed as one line, no stack. */
export class LocalRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalRuntimeError';
  }
}
