// What `borela discover` should change, decided from the containers alone:
// a pure function from (labelled apps, existing sidecars) to actions.
import { createHash } from "node:crypto";
import type { BorelaLabels } from "./labels.ts";

export interface App {
  id: string;
  name: string;
  labels: BorelaLabels;
  /** "source:destination" for every mount, so the sidecar sees the files at the same paths. */
  mounts: string[];
}

export interface Sidecar {
  id: string;
  name: string;
  appId: string;
  configHash: string;
}

export type Action =
  | { kind: "create"; app: App; name: string; configHash: string }
  | { kind: "replace"; app: App; sidecar: Sidecar; name: string; configHash: string }
  | { kind: "remove"; sidecar: Sidecar; reason: string };

export function sidecarName(app: App): string {
  return `borela-sidecar-${app.name.replace(/^\//, "").replace(/[^A-Za-z0-9_.-]/g, "-")}`;
}

export function configHash(app: App, image: string, server: string): string {
  return createHash("sha256").update(JSON.stringify([app.labels, app.mounts, image, server])).digest("hex").slice(0, 16);
}

export function plan(apps: App[], sidecars: Sidecar[], image: string, server: string): Action[] {
  const actions: Action[] = [];
  const byApp = new Map(sidecars.map((s) => [s.appId, s]));
  for (const app of apps) {
    const hash = configHash(app, image, server);
    const existing = byApp.get(app.id);
    if (!existing) actions.push({ kind: "create", app, name: sidecarName(app), configHash: hash });
    else if (existing.configHash !== hash) actions.push({ kind: "replace", app, sidecar: existing, name: sidecarName(app), configHash: hash });
  }
  const live = new Set(apps.map((a) => a.id));
  for (const s of sidecars) if (!live.has(s.appId)) actions.push({ kind: "remove", sidecar: s, reason: "its app container is gone" });
  return actions;
}

export function describe(action: Action): string {
  switch (action.kind) {
    case "create":
      return `create ${action.name} for ${action.app.name} (project ${action.app.labels.project}: ${action.app.labels.databases.join(", ")})`;
    case "replace":
      return `replace ${action.sidecar.name}: the labels or mounts of ${action.app.name} changed`;
    case "remove":
      return `remove ${action.sidecar.name}: ${action.reason}`;
  }
}
