// A store whose model calls (findMany, aggregate, create… on any model) are recorded as "model.method";
// raw statements ($queryRawUnsafe and the rest) and internals pass through unrecorded. For tests that
// assert a timer's idle tick costs no Prisma query (issue 20: CPU per core).
import type { Store } from "../../src/store/db.ts";

export function countedStore(store: Store): { store: Store; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== "string" || prop.startsWith("$") || prop.startsWith("_") || typeof value !== "object" || value === null) {
        return typeof value === "function" ? value.bind(target) : value;
      }
      return new Proxy(value, {
        get(delegate, method) {
          const fn = Reflect.get(delegate, method);
          if (typeof fn !== "function") return fn;
          return (...args: unknown[]) => (calls.push(`${prop}.${String(method)}`), fn.apply(delegate, args));
        },
      });
    },
  });
  return { store: proxy as Store, calls };
}
