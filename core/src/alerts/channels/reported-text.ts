// Reported values are data (the trust boundary): an agent's error text or a
// name may hold terminal escapes, BEL, C1 controls or bidi overrides. Every
// provider gets the alert through send() (../channels.ts), which passes it
// through here first, so no provider sees them raw.
import { markControls } from "../../control.ts";
import type { AlertContext } from "../message.ts";

/**
 * Pure: the context with every control, DEL and bidi override/isolate in its reported text replaced by "�"
 * (control.ts markControls). The reason keeps its line breaks (bodies are multi-line; titles are made one
 * line by the providers, text.ts oneLine); names, the kind and each restore command are one line.
 */
export function cleanReportedText(c: AlertContext): AlertContext {
  return {
    ...c,
    project: { ...c.project, name: markControls(c.project.name) },
    database: c.database === null ? null : markControls(c.database),
    kind: markControls(c.kind),
    reason: markControls(c.reason, true),
    restoreCommands: c.restoreCommands.map((cmd) => markControls(cmd)),
    ...(c.statusNow !== undefined ? { statusNow: markControls(c.statusNow) } : {}),
    ...(c.items ? { items: c.items.map(cleanReportedText) } : {}),
  };
}
