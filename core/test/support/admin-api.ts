// The process tests' two small readers of a running core: its API as the admin (or a given token), and
// rows of its SQLite store read beside it.
import Sqlite from "better-sqlite3";

/**
 * `api(core, method, url, body?, token = admin)` → `{ status, body }` (the JSON answer, untyped), for a
 * core reached at `core.url`.
 */
export function adminApi(admin: string) {
  return async function api(core: { url: string }, method: string, url: string, body?: unknown, token = admin) {
    const res = await fetch(core.url + url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}

/** Rows of `sql` on a read-only connection to the SQLite file `file`, closed at once. */
export function readRows<T>(file: string, sql: string, ...args: unknown[]): T[] {
  const db = new Sqlite(file, { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}
