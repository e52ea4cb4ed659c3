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

export async function api<T = unknown>(method: string, url: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "the Borela core is not reachable");
  }
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
