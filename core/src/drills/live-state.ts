// What the agent last said about the live database, for comparing a restore
// with it: its position (generation, index, offset; from the Database row) and
// when it last saw the file change (`changedAt`, kept only in the newest
// heartbeat's payload).
//
//   liveState(store, database: { projectId, name, position }): Promise<LiveState>
import type { Position } from "../protocol.ts";
import type { Store } from "../store/db.ts";
import { parseJson } from "../store/json.ts";

export interface LiveState {
  position: Position | null;
  changedAt: Date | null;
}

export async function liveState(store: Store, database: { projectId: string; name: string; position: string | null }): Promise<LiveState> {
  const position = parseJson<Position | null>(database.position, null);
  const heartbeat = await store.heartbeat.findFirst({ where: { projectId: database.projectId }, orderBy: { receivedAt: "desc" }, select: { payload: true } });
  const payload = parseJson<{ databases?: { name?: string; changedAt?: string | null }[] } | null>(heartbeat?.payload ?? null, null);
  const raw = payload?.databases?.find((d) => d.name === database.name)?.changedAt ?? null;
  const changedAt = raw ? new Date(raw) : null;
  return { position, changedAt: changedAt && !Number.isNaN(changedAt.getTime()) ? changedAt : null };
}
