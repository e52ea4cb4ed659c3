// What a delivery row becomes after one attempt: sent, retried later with
// backoff, or failed for good. Pure, so the retry policy is tested alone.
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from "./decisions.ts";

export interface LogEntry {
  at: string;
  attempt: number;
  ok: boolean;
  detail: string;
}

export interface AttemptOutcome {
  ok: boolean;
  detail: string;
  /** Retrying cannot help (no SMTP configured, channel deleted): fail at once. */
  permanent?: boolean;
  /**
   * This core lacks what the delivery needs (errors.ts NotSendableHereError: no SMTP, no digest recipients,
   * not the key that sealed the channel): deliver.ts releases the row untouched for a core that can send it.
   */
  elsewhere?: boolean;
}

export interface DeliveryUpdate {
  status: "sent" | "pending" | "failed";
  nextAttemptAt?: Date;
  sentAt?: Date;
  lastError: string | null;
  log: string;
}

/** attempts counts this attempt. */
export function afterAttempt(attempts: number, logJson: string, outcome: AttemptOutcome, now: Date, retrySeconds: number): DeliveryUpdate {
  const log = [...parseLog(logJson), { at: now.toISOString(), attempt: attempts, ok: outcome.ok, detail: outcome.detail }];
  if (outcome.ok) return { status: "sent", sentAt: now, lastError: null, log: JSON.stringify(log) };
  if (outcome.permanent || attempts >= MAX_DELIVERY_ATTEMPTS) return { status: "failed", lastError: outcome.detail, log: JSON.stringify(log) };
  return { status: "pending", nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, retrySeconds)), lastError: outcome.detail, log: JSON.stringify(log) };
}

export function parseLog(logJson: string): LogEntry[] {
  try {
    const parsed: unknown = JSON.parse(logJson);
    return Array.isArray(parsed) ? (parsed as LogEntry[]) : [];
  } catch {
    return [];
  }
}
