import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../src/store/db.ts";
import { planIncidentDeliveries } from "../src/alerts/plan.ts";
import { newId } from "../src/store/ids.ts";

const N = Number(process.env.N ?? 10000);
const dir = mkdtempSync(path.join(tmpdir(), "plan-cost-"));
const store = await openStore(dir);
const now = new Date();
const projects = [];
const incidents = [];
for (let i = 0; i < N; i++) {
  const id = newId();
  projects.push({ id, name: `p${i}`, drillSchedule: "0 3 * * 0", badgeKey: `b${i}`, storagePrefix: `p${i}/` });
  for (let k = 0; k < 10; k++) {
    const openedAt = new Date(now.getTime() - 20 * 3600_000 + k * 3600_000);
    incidents.push({ id: newId(), projectId: id, kind: "error" as const, reason: "r", openedAt, resolvedAt: new Date(openedAt.getTime() + 600_000) });
  }
  if (i % 100 === 0) incidents.push({ id: newId(), projectId: id, kind: "error" as const, reason: "open", openedAt: new Date(now.getTime() - 3600_000), resolvedAt: null });
}
for (let i = 0; i < projects.length; i += 500) await store.project.createMany({ data: projects.slice(i, i + 500) as never });
for (let i = 0; i < incidents.length; i += 500) await store.incident.createMany({ data: incidents.slice(i, i + 500) as never });
const settings = { confirm: 0, reminderHours: 24, operatorEmails: ["ops@example.com"], emailReady: false };
for (const [label, target] of [["wide", {}], ["wide again", {}], ["periodic", { resolvedSince: new Date(now.getTime() - 120_000) }], ["periodic again", { resolvedSince: new Date(now.getTime() - 120_000) }]] as const) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = await planIncidentDeliveries(store, settings, new Date(), target);
  const c = process.cpuUsage(c0);
  console.log(label, "projects", r.projects.length, "wall ms", Math.round(performance.now() - t0), "cpu ms", Math.round((c.user + c.system) / 1000), "claimed", r.claimed);
}
await store.$disconnect();
