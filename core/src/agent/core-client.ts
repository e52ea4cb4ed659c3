// The agent's two calls to the core, over node:http(s) (lighter than fetch in
// a process whose budget is 60 MB), each answer sorted into what the agent does next.
//
//   postHeartbeat(server, token, payload, timeoutMs?): Promise<CallOutcome<HeartbeatAnswer>>
//   fetchAgentConfig(server, token, timeoutMs?): Promise<CallOutcome<AgentConfigResponse>>
//   CallOutcome: { kind: "ok", value } | { kind: "rejected" (401/403: the token), status, message }
//              | { kind: "retry" (network, 5xx, 429, 404), status, message } | { kind: "invalid" (other 4xx: never retried), status, message }
import http from "node:http";
import https from "node:https";
import type { AgentConfigResponse, HeartbeatPayload } from "../protocol.ts";

export type CallOutcome<T> =
  | { kind: "ok"; status: number; value: T }
  | { kind: "rejected" | "retry" | "invalid"; status: number | null; message: string };

interface RawResponse {
  status: number;
  body: string;
}

function request(method: string, url: URL, token: string, body: string | null, timeoutMs: number): Promise<RawResponse> {
  const lib = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      url,
      {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(body !== null ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
        timeout: timeoutMs,
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          if (text.length < 1024 * 1024) text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

function errorMessage(res: RawResponse): string {
  try {
    const parsed = JSON.parse(res.body) as { message?: string; error?: string };
    return parsed.message ?? parsed.error ?? `HTTP ${res.status}`;
  } catch {
    return res.body.slice(0, 200) || `HTTP ${res.status}`;
  }
}

function classify<T>(res: RawResponse, parse: (body: string) => T): CallOutcome<T> {
  if (res.status >= 200 && res.status < 300) return { kind: "ok", status: res.status, value: parse(res.body) };
  const message = `HTTP ${res.status}: ${errorMessage(res)}`;
  if (res.status === 401 || res.status === 403) return { kind: "rejected", status: res.status, message };
  if (res.status >= 500 || res.status === 429 || res.status === 404 || res.status === 408) return { kind: "retry", status: res.status, message };
  return { kind: "invalid", status: res.status, message };
}

async function call<T>(method: string, server: string, route: string, token: string, body: unknown, timeoutMs: number, parse: (b: string) => T): Promise<CallOutcome<T>> {
  const url = new URL(route, `${server}/`);
  try {
    return classify(await request(method, url, token, body === undefined ? null : JSON.stringify(body), timeoutMs), parse);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { kind: "retry", status: null, message: `${method} ${url.origin}${url.pathname} failed: ${code ?? (err as Error).message}` };
  }
}

/** What an accepted heartbeat's answer tells the agent: the project's heartbeat grace (s); null from a core that names none. */
export type HeartbeatAnswer = { heartbeatGraceSeconds: number } | null;

/** Pure: the answer body ({"ok":true,"duplicate":…,"heartbeatGraceSeconds":120}, schemas/activity.ts HeartbeatAccepted). */
export function heartbeatAnswer(body: string): HeartbeatAnswer {
  try {
    const grace = (JSON.parse(body) as { heartbeatGraceSeconds?: unknown }).heartbeatGraceSeconds;
    return typeof grace === "number" && Number.isInteger(grace) && grace > 0 ? { heartbeatGraceSeconds: grace } : null;
  } catch {
    return null;
  }
}

export function postHeartbeat(server: string, token: string, payload: HeartbeatPayload, timeoutMs = 10_000): Promise<CallOutcome<HeartbeatAnswer>> {
  return call("POST", server, "api/v1/heartbeats", token, payload, timeoutMs, heartbeatAnswer);
}

export function fetchAgentConfig(server: string, token: string, timeoutMs = 10_000): Promise<CallOutcome<AgentConfigResponse>> {
  return call("GET", server, "api/v1/agent/config", token, undefined, timeoutMs, (b) => JSON.parse(b) as AgentConfigResponse);
}
