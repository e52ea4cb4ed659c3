// Which other projects claim a replica that overlaps one of this project's (replica-overlap.ts
// decides): a query over the live Replica rows of every other project (rows of databases retired
// or no longer reported are deleted, so every row is live), and the replicas operators stored for
// agentless watching (Project.replicaUrl).
//
//   replicaClaimants(store, projectId, url): Promise<Claimant[]>
//     the other projects whose file directory or S3 prefix overlaps `url`'s ([] for a URL that does not parse);
//     PATCH {"replicaUrl"} refuses a URL another project claims (server/stored-replica.ts)
//   sharedFileReplicaProblem(store, projectId, url): Promise<string | null>
//     null when `url` is not a file replica or no other project claims an overlapping directory;
//     otherwise the admin-facing refusal naming the other projects (never for an agent's answer)
import path from "node:path";
import type { Store } from "../store/db.ts";
import { parseReplicaUrl, redactReplicaUrl, type ReplicaTarget } from "../litestream/replica-url.ts";
import { realReplicaPath } from "./file-roots.ts";
import { distinctClaimants, overlappingProjects, s3ReplicasOverlap, sharedFileReplicaWords, type Claimant, type ReplicaDirs } from "./replica-overlap.ts";

function parsed(url: string): ReplicaTarget | null {
  try {
    return parseReplicaUrl(url);
  } catch {
    return null;
  }
}

/** The directory of a file replica as written and with symlinks resolved (up to its deepest existing ancestor). */
async function fileDirs(target: ReplicaTarget): Promise<ReplicaDirs | null> {
  if (target.type !== "file" || !path.isAbsolute(target.path)) return null;
  const written = path.resolve(target.path);
  return { written, real: (await realReplicaPath(written)) ?? written };
}

/** Every other project's claimed replica URL: its agent's Replica rows and its stored replicaUrl. */
async function otherClaims(store: Store, projectId: string): Promise<(Claimant & { url: string })[]> {
  const rows = await store.replica.findMany({
    where: { database: { projectId: { not: projectId } } },
    select: { url: true, database: { select: { project: { select: { name: true } } } } },
  });
  const stored = await store.project.findMany({ where: { id: { not: projectId }, replicaUrl: { not: null } }, select: { name: true, replicaUrl: true } });
  return [
    ...rows.map((r) => ({ url: r.url, project: r.database.project.name, stored: false })),
    ...stored.map((p) => ({ url: p.replicaUrl!, project: p.name, stored: true })),
  ];
}

export async function replicaClaimants(store: Store, projectId: string, url: string): Promise<Claimant[]> {
  const mine = parsed(url);
  if (!mine) return [];
  const others = await otherClaims(store, projectId);
  if (mine.type === "s3") {
    return overlappingS3(mine, others);
  }
  const dirs = await fileDirs(mine);
  return dirs ? overlappingProjects(dirs, await otherDirs(others)) : [];
}

function overlappingS3(mine: ReplicaTarget & { type: "s3" }, others: (Claimant & { url: string })[]): Claimant[] {
  return distinctClaimants(
    others.filter((o) => {
      const t = parsed(o.url);
      return t?.type === "s3" && s3ReplicasOverlap(mine, t);
    }),
  );
}

async function otherDirs(others: (Claimant & { url: string })[]): Promise<(ReplicaDirs & Claimant)[]> {
  const out = [];
  for (const o of others) {
    const t = parsed(o.url);
    const dirs = t && (await fileDirs(t));
    if (dirs) out.push({ ...dirs, project: o.project, stored: o.stored });
  }
  return out;
}

/** Null, or why drills and restores of project `projectId` refuse the file replica `url` (a Replica row's or a stored URL). */
export async function sharedFileReplicaProblem(store: Store, projectId: string, url: string): Promise<string | null> {
  if (parsed(url)?.type !== "file") return null;
  const claimants = await replicaClaimants(store, projectId, url);
  return claimants.length ? sharedFileReplicaWords(redactReplicaUrl(url), claimants) : null;
}
