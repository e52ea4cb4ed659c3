// What `borela discover` should change, decided from the containers alone:
// a pure function from (labelled apps, existing sidecars) to actions.
import { createHash } from "node:crypto";
import path from "node:path";
import type { BorelaLabels } from "./labels.ts";

/** The volume a `file://` replica lives on when no mount of the app holds its path (as `borela init` prints). */
export const REPLICA_VOLUME = "borela-replicas";
/** Seconds between SIGTERM and SIGKILL when a sidecar stops: room for Litestream's final sync. */
export const STOP_GRACE_SECONDS = 30;

export interface Mount {
  /** A host path (bind mounts, and local volumes by their mount point) or a volume name. */
  source: string;
  destination: string;
  readOnly: boolean;
}

export interface App {
  id: string;
  name: string;
  labels: BorelaLabels;
  mounts: Mount[];
}

export interface Sidecar {
  id: string;
  name: string;
  appId: string;
  configHash: string;
}

/** How a sidecar is created: the app's mounts at the same paths, plus a file replica's volume. */
export interface SidecarSpec {
  image: string;
  binds: string[];
  user: string | null;
}

export type Action =
  | { kind: "create"; app: App; name: string; configHash: string; spec: SidecarSpec }
  | { kind: "replace"; app: App; sidecar: Sidecar; name: string; configHash: string; spec: SidecarSpec }
  | { kind: "remove"; sidecar: Sidecar; reason: string };

export function sidecarName(app: App): string {
  return `borela-sidecar-${app.name.replace(/^\//, "").replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}

function under(p: string, dir: string): boolean {
  const d = dir.replace(/\/$/, "");
  return p === d || p.startsWith(`${d}/`);
}

/**
 * The sidecar's binds. A local volume is bound by its mount point rather than by name, so the sidecar
 * never holds the volume: the app's `docker-compose down -v` removes it even while the sidecar stops.
 * A `file://` replica outside every mount of the app gets REPLICA_VOLUME at its first directory.
 */
export function sidecarSpec(app: App, image: string): SidecarSpec {
  const binds = app.mounts.map((m) => `${m.source}:${m.destination}${m.readOnly ? ":ro" : ""}`);
  const replica = app.labels.replica;
  if (replica?.startsWith("file://")) {
    const replicaPath = path.posix.normalize(decodeURIComponent(new URL(replica).pathname));
    if (!app.mounts.some((m) => under(replicaPath, m.destination))) binds.push(`${REPLICA_VOLUME}:/${replicaPath.split("/")[1]}`);
  }
  return { image, binds: binds.sort(), user: app.labels.user };
}

export function configHash(app: App, spec: SidecarSpec, server: string): string {
  return createHash("sha256").update(JSON.stringify([app.labels, spec, server])).digest("hex").slice(0, 16);
}

export function plan(apps: App[], sidecars: Sidecar[], image: string, server: string): Action[] {
  const actions: Action[] = [];
  const byApp = new Map(sidecars.map((s) => [s.appId, s]));
  for (const app of apps) {
    const spec = sidecarSpec(app, image);
    const hash = configHash(app, spec, server);
    const existing = byApp.get(app.id);
    if (!existing) actions.push({ kind: "create", app, name: sidecarName(app), configHash: hash, spec });
    else if (existing.configHash !== hash) actions.push({ kind: "replace", app, sidecar: existing, name: sidecarName(app), configHash: hash, spec });
  }
  const live = new Set(apps.map((a) => a.id));
  for (const s of sidecars) if (!live.has(s.appId)) actions.push({ kind: "remove", sidecar: s, reason: "its app container stopped or is gone" });
  return actions;
}

function specText(spec: SidecarSpec): string {
  return `image ${spec.image}, mounts ${spec.binds.join(" ")}, user ${spec.user ?? "the database's owner"}`;
}

function replicaText(app: App): string {
  return app.labels.replica ? `replica ${app.labels.replica}` : "replica managed by the core (it needs BORELA_S3_*; otherwise set dev.borela.replica)";
}

/** What an action will do, in words (before it runs; the outcome is logged after). */
export function describe(action: Action): string {
  const stop = `stop (SIGTERM, SIGKILL after ${STOP_GRACE_SECONDS} s) and remove`;
  switch (action.kind) {
    case "create":
      return `create ${action.name} for ${action.app.name} (project ${action.app.labels.project}: ${action.app.labels.databases.join(", ")}; ${specText(action.spec)}; ${replicaText(action.app)})`;
    case "replace":
      return `replace ${action.sidecar.name} (${stop} it, then create it: ${specText(action.spec)}): the labels or mounts of ${action.app.name} changed`;
    case "remove":
      return `${stop} ${action.sidecar.name}: ${action.reason}`;
  }
}
