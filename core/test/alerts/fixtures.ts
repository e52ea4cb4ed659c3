// A temp store with projects, databases, replicas and incidents written
// directly, a dispatcher over it with a clock the test moves, and an SMTP
// sink: everything the alert tests need, on loopback.
import { loadConfig, type Config } from "../../src/config.ts";
import type { Store } from "../../src/store/db.ts";
import { newId } from "../../src/store/ids.ts";
import { openIncident, resolveIncident } from "../../src/incidents/open-resolve.ts";
import type { IncidentKind } from "../../src/incidents/kinds.ts";
import { createAlertDispatcher, type AlertConfig } from "../../src/alerts/dispatcher.ts";
import { tempStore as tempStoreIn, useTempStores as useTempStoresIn } from "../support/use-store.ts";

export const SECRET_KEY = Buffer.alloc(32, 7);

export interface Clock {
  now(): Date;
  set(d: Date): void;
  advance(seconds: number): Date;
}

export function clock(start: Date): Clock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => void (t = d.getTime()),
    advance: (s) => new Date((t += s * 1000)),
  };
}

export function alertConfig(env: Record<string, string>, overrides: Partial<Config> = {}): Config {
  // Receivers listen on 127.0.0.1.
  return loadConfig({ BORELA_MAIL_FROM: "borela@test.local", BORELA_PUBLIC_URL: "https://borela.example.com", BORELA_ALERT_RETRY_SECONDS: "1", BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true", ...env }, overrides);
}

export type { TestStore } from "../support/use-store.ts";
export const tempStore = () => tempStoreIn("borela-alerts-");
export const useTempStores = () => useTempStoresIn("borela-alerts-");

export interface Seeded {
  projectId: string;
  databaseId: string;
  replicaUrl: string;
}

/** A project with one database "primary" replicated to a file replica. */
export async function seedProject(store: Store, name: string, options: { alertEmails?: string; lastWalAt?: Date; createdAt?: Date } = {}): Promise<Seeded> {
  const projectId = newId();
  await store.project.create({
    data: { id: projectId, name, drillSchedule: "0 3 * * 0", badgeKey: newId(), storagePrefix: `p/${projectId}`, alertEmails: options.alertEmails ?? null, status: "fresh", createdAt: options.createdAt },
  });
  const databaseId = newId();
  await store.database.create({ data: { id: databaseId, projectId, name: "primary", path: "/data/primary.sqlite3" } });
  const replicaUrl = `file:///backups/${name}/primary`;
  await store.replica.create({
    data: { id: newId(), databaseId, type: "file", url: replicaUrl, lastWalAt: options.lastWalAt ?? null, lastSnapshotAt: options.lastWalAt ?? null, storageBytes: 8192n },
  });
  return { projectId, databaseId, replicaUrl };
}

export function open(store: Store, s: Seeded, kind: IncidentKind, reason: string, at: Date) {
  return openIncident(store, { projectId: s.projectId, databaseId: s.databaseId, kind, reason }, at);
}

export function resolve(store: Store, s: Seeded, kind: IncidentKind, at: Date) {
  return resolveIncident(store, { projectId: s.projectId, databaseId: s.databaseId, kind }, at);
}

export const silentLogger = { info() {}, warn() {}, error() {} };

export function dispatcher(store: Store, config: AlertConfig, c: Clock, logger = silentLogger) {
  return createAlertDispatcher({ store, config, secretKey: SECRET_KEY, logger, now: c.now, sendTimeoutMs: 3_000 });
}

export async function deliveriesOf(store: Store, incidentId: string) {
  const rows = await store.delivery.findMany({ where: { incidentId }, orderBy: { id: "asc" } });
  return rows.map((d) => ({ ...d, log: JSON.parse(d.log) as { ok: boolean; detail: string; attempt: number }[] }));
}
