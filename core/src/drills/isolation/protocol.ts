// The isolated part talks to the core in JSON lines on its stdout:
//   {"step":"restore","message":"…"}      progress for the drill's report
//   {"result":{…IsolatedResult}}          the last line
// The core reads them as data from a place it does not trust (the restored
// database came from the agent's storage): each field is checked before use.
import type { IsolatedResult } from "./job.ts";

export type ChildLine = { step: string; message: string } | { result: IsolatedResult };

export class ChildProtocolError extends Error {}

const MAX_TEXT = 16 * 1024;

function text(value: unknown, field: string): string {
  if (typeof value !== "string") throw new ChildProtocolError(`${field} is not a string`);
  return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
}

function count(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) throw new ChildProtocolError(`${field} is not a non-negative number`);
  return value;
}

function check(value: unknown): "integrity_check" | "quick_check" {
  if (value !== "integrity_check" && value !== "quick_check") throw new ChildProtocolError("check is not integrity_check or quick_check");
  return value;
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ChildProtocolError(`${field} is not an object`);
  return value as Record<string, unknown>;
}

/** Checks a result shape field by field; throws ChildProtocolError naming the first bad field. */
export function checkResult(raw: unknown): IsolatedResult {
  const r = record(raw, "result");
  if (r.ok === true) {
    const i = record(r.inspection, "inspection");
    const tables: Record<string, number> = {};
    for (const [name, n] of Object.entries(record(i.tables, "inspection.tables"))) tables[text(name, "table name")] = count(n, `inspection.tables.${name}`);
    if (!Array.isArray(i.assertionValues)) throw new ChildProtocolError("inspection.assertionValues is not a list");
    const assertionValues = i.assertionValues.map((v, n) => {
      const a = record(v, `inspection.assertionValues[${n}]`);
      if ("error" in a) return { error: text(a.error, `inspection.assertionValues[${n}].error`) };
      if (typeof a.value !== "number" || !Number.isFinite(a.value)) throw new ChildProtocolError(`inspection.assertionValues[${n}].value is not a number`);
      return { value: a.value };
    });
    const m = i.marker === null || i.marker === undefined ? null : record(i.marker, "inspection.marker");
    return {
      ok: true,
      restoreSeconds: count(r.restoreSeconds, "restoreSeconds"),
      restoredBytes: count(r.restoredBytes, "restoredBytes"),
      check: check(r.check),
      checkSeconds: count(r.checkSeconds, "checkSeconds"),
      inspection: {
        integrity: text(i.integrity, "inspection.integrity"),
        foreignKeyViolations: count(i.foreignKeyViolations, "inspection.foreignKeyViolations"),
        tables,
        assertionValues,
        marker: m ? { value: String(m.value), at: text(m.at, "inspection.marker.at") } : null,
      },
    };
  }
  if (r.ok !== false) throw new ChildProtocolError("ok is not true or false");
  if (r.stage === "restore") {
    return { ok: false, stage: "restore", message: text(r.message, "message"), output: text(r.output ?? "", "output"), timedOut: r.timedOut === true };
  }
  if (r.stage === "check") {
    return {
      ok: false,
      stage: "check",
      message: text(r.message, "message"),
      restoreSeconds: count(r.restoreSeconds, "restoreSeconds"),
      restoredBytes: count(r.restoredBytes, "restoredBytes"),
      check: check(r.check),
    };
  }
  throw new ChildProtocolError("stage is not restore or check");
}

/** One stdout line; null for a line that is not part of the protocol (the caller keeps it for diagnostics). */
export function parseChildLine(line: string): ChildLine | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if ("result" in v) return { result: checkResult(v.result) };
  if (typeof v.step === "string" && typeof v.message === "string") return { step: text(v.step, "step").slice(0, 32), message: text(v.message, "message") };
  return null;
}
