// One fetch wrapper for the core's JSON API. The session cookie rides along
// (same origin); a 401 anywhere means the session ended, so the app shows the
// sign-in page again.
import { session } from "./session.svelte.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send(method: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { method, credentials: "same-origin", ...init });
  } catch {
    throw new ApiError(0, "network", "the Borela core is not reachable");
  }
}

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await send(method, url, {
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return read<T>(method, url, res);
}

async function read<T>(method: string, url: string, res: Response): Promise<T> {
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    if (res.status === 401 && !url.startsWith("/api/v1/session")) session.signedIn = false;
    throw new ApiError(res.status, data?.error ?? "error", data?.message ?? `${method} ${url} answered ${res.status}`);
  }
  return data as T;
}

export const get = <T>(url: string) => api<T>("GET", url);

/**
 * GET with the ETag of the last answer: null when the core answers 304 (nothing changed), else the new body
 * and its ETag. The browser's own cache stays out of it (no-store), so the 304 reaches this code.
 */
export async function getIfChanged<T>(url: string, etag: string | null): Promise<{ data: T; etag: string | null } | null> {
  const res = await send("GET", url, { cache: "no-store", headers: etag ? { "if-none-match": etag } : {} });
  if (res.status === 304) return null;
  return { data: await read<T>("GET", url, res), etag: res.headers.get("etag") };
}
