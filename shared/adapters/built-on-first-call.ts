/** A port whose every member is a method answering a promise: it can be built on its first call. */
type AsyncPort<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/** Every method of the port, named once: the compiler refuses a list that misses one. */
export type MethodsOf<T> = { readonly [K in keyof T]-?: true };

/**
 * `load` run on the first call of the answer, its promise kept for every later call: how a module (and
 * the AWS SDK client it builds) is loaded on first use instead of at cold start (D82). A failed load is
 * forgotten, so the next call tries again; a module that fails to evaluate stays failed in that
 * instance (esbuild's lazy module wrapper keeps the error).
 */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    if (!loaded) {
      loaded = load();
      loaded.catch(() => {
        loaded = undefined;
      });
    }
    return loaded;
  };
}

/**
 * An adapter built on its first call instead of at cold start (D82): `load` imports the adapter's
 * module (and with it the AWS SDK client it builds) and makes it. For the clients most requests of
 * a function never use: loading one of the SDK's clients costs a cold start 30–150 ms here (S3 with
 * its presigner ~100 ms, Cognito ~60 ms), paid by every cold start of a function that wires it,
 * used or not. A function whose every request uses the client gains nothing from this, and wires the
 * adapter directly.
 *
 * The answer is a plain object with exactly the port's `methods`, each waiting for the adapter and
 * calling it (no other member: serialising or printing it loads nothing).
 *
 * `load` must reach the adapter through `import()` of a module of ours: a static import anywhere in
 * the function's bundle loads the SDK at cold start again (esbuild keeps a dynamically imported
 * module's code in the bundle and runs it on first import). A failed `load` is retried as
 * {@link loadedOnce} says.
 */
export function builtOnFirstCall<T extends AsyncPort<T>>(
  methods: NoInfer<MethodsOf<T>>,
  load: () => Promise<T>,
): T {
  const ready = loadedOnce(load);
  const port: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of Object.keys(methods)) {
    port[name] = async (...args: unknown[]) => {
      const adapter = await ready();
      const method = adapter[name as keyof T] as unknown as (...params: unknown[]) => Promise<unknown>;
      return method.apply(adapter, args);
    };
  }
  return port as unknown as T;
}
