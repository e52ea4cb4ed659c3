// Which other projects report a file replica directory that overlaps one of this project's
// (replica-overlap.ts decides): a query over the live Replica rows of every other project
// (rows of databases retired or no longer reported are deleted, so every row is live), and the
// replicas operators stored for agentless watching (Project.replicaUrl).
//
//   sharedFileReplicaProblem(store, projectId, url): Promise<string | null>
//     null when `url` is not a file replica or no other project reports an overlapping directory;
//     otherwise the admin-facing refusal naming the other projects (never for an agent's answer)
import { realpath } from "node:fs/promises";
import path from "node:path";
import type { Store } from "../store/db.ts";
import { parseReplicaUrl, redactReplicaUrl } from "../litestream/replica-url.ts";
import { overlappingProjects, sharedFileReplicaWords, type ReplicaDirs } from "./replica-overlap.ts";

/** The directory of a file replica URL as written and with symlinks resolved; null for any other URL. */
async function fileDirs(url: string): Promise<ReplicaDirs | null> {
  let target;
  try {
    target = parseReplicaUrl(url);
  } catch {
    return null;
  }
  if (target.type !== "file" || !path.isAbsolute(target.path)) return null;
  const written = path.resolve(target.path);
  const real = await realpath(written).catch((err: NodeJS.ErrnoException) => (err.code === "ENOENT" || err.code === "ENOTDIR" ? written : Promise.reject(err)));
  return { written, real };
}

/** Null, or why drills and restores of project `projectId` refuse the file replica `url` (a Replica row's URL). */
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string): Promise<string | null> {
  const mine = await fileDirs(url);
  if (!mine) return null;
  const rows = await store.replica.findMany({
    where: { database: { projectId: { not: projectId } } },
    select: { url: true, database: { select: { project: { select: { name: true } } } } },
  });
  // Replicas operators stored for projects without an agent are claimed the same way (stored-subject.ts).
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { name: true, replicaUrl: true } });
  for (const p of stored) rows.push({ url: p.replicaUrl!, database: { project: { name: p.name } } });
  const others = [];
  for (const r of rows) {
    const dirs = await fileDirs(r.url);
    if (dirs) others.push({ ...dirs, project: r.database.project.name });
  }
  const projects = overlappingProjects(mine, others);
  return projects.length ? sharedFileReplicaWords(redactReplicaUrl(url), projects) : null;
}
