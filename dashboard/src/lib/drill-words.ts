// What a drill's one-line summary and its live steps say, decided without the DOM.
import type { Drill } from "./types.ts";
import { seconds } from "./format.ts";

/**
 * The summary line's figures: RTO, RPO and tables for a drill that restored something; its error
 * (`failed`) for one that did not — never "RTO — · RPO — · 0 tables". Null before a report exists.
 */
export function drillFigures(d: Pick<Drill, "status" | "report">): { failed: string } | { figures: string } | null {
  const r = d.report;
  if (!r) return null;
  const restored = r.restoreSeconds !== null || Object.keys(r.tables).length > 0;
  if (r.error && (!restored || d.status !== "passed")) return { failed: r.error };
  if (!restored) return d.status === "passed" ? null : { failed: r.failures[0] ?? "nothing was restored" };
  return { figures: `RTO ${seconds(r.restoreSeconds)} · RPO ${seconds(r.rpoSeconds)} · ${Object.keys(r.tables).length} tables` };
}

/**
 * Notes the drill's isolation adds to every drill's steps (core: drills/isolation/process-runner.ts,
 * "the replica is readable only by its owner: …"): the same for every drill, so shown once.
 */
export function isIsolationNote(message: string): boolean {
  return message.startsWith("the replica is readable only by its owner:");
}

/** The isolation notes of these drills, once each, and each drill's steps without them. */
export function splitIsolationNotes(drills: Pick<Drill, "id" | "progress">[]): { notes: string[]; steps: Map<string, Drill["progress"]> } {
  const notes = new Set<string>();
  const steps = new Map<string, Drill["progress"]>();
  for (const d of drills) {
    for (const s of d.progress) if (isIsolationNote(s.message)) notes.add(s.message);
    steps.set(d.id, d.progress.filter((s) => !isIsolationNote(s.message)));
  }
  return { notes: [...notes], steps };
}

/** A replica's kind and who manages its storage, in plain words: "file replica (your own storage)". */
export function replicaWords(type: string, managedBy: string): string {
  const owner = managedBy === "borela" ? "storage managed by Borela" : managedBy === "user" ? "your own storage" : `managed by ${managedBy}`;
  return `${type} replica (${owner})`;
}
