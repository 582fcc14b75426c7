/** A port whose every member is a method answering a promise: it can be built on its first call. */
type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * An adapter built on its first call instead of at cold start: `load` imports the adapter's module
 * (and with it the AWS SDK client it builds) and makes it. For the clients most requests of a
 * function never use (issue 23): loading one of the SDK's clients costs a cold start 30–150 ms here
 * (S3 with its presigner ~100 ms, Cognito ~60 ms), paid by every cold start of a function that
 * wires it, used or not. A function whose every request uses the client gains nothing from this,
 * and wires the adapter directly.
 *
 * `load` must reach the adapter through `import()` only: a static import anywhere in the function's
 * bundle loads the SDK at cold start again (esbuild keeps a dynamically imported module's code in
 * the bundle, run on first import). A failed load is forgotten: the next call tries again.
 */
export function builtOnFirstCall<T extends AsyncPort<T>>(load: () => Promise<T>): T {
  let built: Promise<T> | undefined;
  const ready = () => {
    if (!built) {
      built = load();
      built.catch(() => {
        built = undefined;
      });
    }
    return built;
  };
  return new Proxy({} as T, {
    get(_target, member) {
      // Not a thenable: code that awaits or returns the adapter must not see a `then` method.
      if (member === 'then' || typeof member === 'symbol') return undefined;
      return async (...args: unknown[]) => {
        const adapter = await ready();
        const method = adapter[member as keyof T] as unknown as (...params: unknown[]) => Promise<unknown>;
        return method.apply(adapter, args);
      };
    },
  });
}
