// A stand-in for something a beforeAll starts: module code can name it at once,
// and each property is read from the real one when a test uses it.
/**
 * Returns an object that forwards every property read to `get()` (methods bound
 * to the real object). `get` throws while the thing is not started; `what` names it.
 */
export function lazy<T extends object>(what: string, get: () => T | null): T {
  const real = (): T => {
    const t = get();
    if (!t) throw new Error(`${what} is not started yet (use it inside a test or a hook)`);
    return t;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const t = real();
      const v = Reflect.get(t, key, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
    has: (_, key) => Reflect.has(real(), key),
  });
}
