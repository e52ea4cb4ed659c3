// The message POST /api/v1/alert-channels/:id/test sends: a TEST alert that
// looks like a real one, so the receiver sees the format it will get.
import type { AlertContext } from "./message.ts";

export function testAlertContext(project: { id: string; name: string } | null, publicUrl: string, now: Date): AlertContext {
  const name = project?.name ?? "<project>";
  return {
    event: "test",
    project: project ?? { id: "operator", name: "all projects" },
    database: null,
    kind: "test",
    reason: "a test message sent from the Borela API; no incident is open",
    startedAt: now,
    openedAt: now,
    resolvedAt: null,
    lastBackupAt: null,
    lastPassingDrillAt: null,
    restoreCommands: [`npx borela restore ${name} --database <name> -o /tmp/restored.sqlite3`],
    dashboardUrl: project ? `${publicUrl}/projects/${project.id}` : `${publicUrl}/`,
    now,
  };
}
