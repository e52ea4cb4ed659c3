// How the drill and restore commands reach a core: through its API with an
// admin token (the default; from any machine), or — only with --data-dir DIR —
// through the store in DIR on the core's own host.
//
//   coreAccess(values: { server?, token? }, env: CliEnv): { server, token }   throws UsageError naming what is missing
//     env: BORELA_SERVER, BORELA_ADMIN_TOKEN, BORELA_PORT as config.ts cliEnv() read them; flags win
//   createCoreApi(access): { json(method, route, body?), download(route, file, onBytes) }
//     throws CoreApiError: one line naming the core and its answer (or why it could not be reached)
//   findProjectByApi(api, nameOrId): Promise<{ id, name }>   throws UsageError listing the known projects
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { once } from "node:events";
import type { CliEnv } from "../config.ts";
import { UsageError } from "./args.ts";

export const ACCESS_OPTIONS = {
  server: { type: "string" },
  token: { type: "string" },
  "data-dir": { type: "string" },
} as const;

export class CoreApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface CoreAccess {
  server: string;
  token: string;
}

export function coreAccess(values: { server?: string; token?: string }, env: CliEnv): CoreAccess {
  const [raw, source] = values.server ? [values.server, "--server"] : env.server ? [env.server, "BORELA_SERVER"] : [`http://127.0.0.1:${env.port}`, "the default"];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source} ${JSON.stringify(raw)} is not a URL (expected http(s)://host:port)`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`${source} ${JSON.stringify(raw)} is not an http(s) URL`);
  const token = values.token || env.adminToken;
  if (!token) {
    throw new UsageError(
      `no admin token for the core at ${raw.replace(/\/+$/, "")}: set BORELA_ADMIN_TOKEN or --token (the core prints it on its first start), or on the core's host read its store with --data-dir DIR`,
    );
  }
  return { server: raw.replace(/\/+$/, ""), token };
}

async function answerMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => "");
  try {
    const body = JSON.parse(text) as { message?: string };
    return body.message ?? text.slice(0, 300);
  } catch {
    return text.slice(0, 300) || res.statusText;
  }
}

export function createCoreApi(access: CoreAccess) {
  const headers = { authorization: `Bearer ${access.token}` };
  async function call(method: string, route: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${access.server}${route}`, {
        method,
        headers: body === undefined ? headers : { ...headers, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CoreApiError(`cannot reach the core at ${access.server}: ${cause}`, null);
    }
    if (res.ok) return res;
    const message = await answerMessage(res);
    if (res.status === 401) throw new CoreApiError(`the core at ${access.server} refuses the admin token (HTTP 401: ${message}): check BORELA_ADMIN_TOKEN or --token`, 401);
    throw new CoreApiError(`${method} ${route} on ${access.server}: HTTP ${res.status}: ${message}`, res.status);
  }
  return {
    server: access.server,
    async json<T>(method: string, route: string, body?: unknown): Promise<T> {
      const res = await call(method, route, body);
      return (res.status === 204 ? null : await res.json()) as T;
    },
    /** Streams the answer into `file` (created, never overwritten: written to `<file>.partial` first); onBytes(received, total). */
    async download(route: string, file: string, onBytes: (received: number, total: number | null) => void): Promise<number> {
      const res = await call("GET", route);
      const total = Number(res.headers.get("content-length")) || null;
      const partial = `${file}.partial`;
      const out = createWriteStream(partial, { flags: "wx", mode: 0o600 });
      let received = 0;
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          received += chunk.length;
          if (!out.write(chunk)) await once(out, "drain");
          onBytes(received, total);
        }
        out.end();
        await once(out, "finish");
      } catch (err) {
        out.destroy();
        await rm(partial, { force: true });
        throw new CoreApiError(`download from ${access.server} broke off after ${received} bytes: ${(err as Error).message}`, null);
      }
      if (total !== null && received !== total) {
        await rm(partial, { force: true });
        throw new CoreApiError(`download from ${access.server} ended after ${received} of ${total} bytes`, null);
      }
      await rename(partial, file);
      return received;
    },
  };
}

export type CoreApi = ReturnType<typeof createCoreApi>;

export async function findProjectByApi(api: CoreApi, nameOrId: string | undefined): Promise<{ id: string; name: string }> {
  if (!nameOrId) throw new UsageError("name the project (its name or id)");
  const projects = await api.json<{ id: string; name: string }[]>("GET", "/api/v1/projects");
  const project = projects.find((p) => p.id === nameOrId) ?? projects.find((p) => p.name === nameOrId);
  if (!project) throw new UsageError(`no project ${JSON.stringify(nameOrId)} on ${api.server} (projects: ${projects.map((p) => p.name).sort().join(", ") || "none"})`);
  return project;
}
