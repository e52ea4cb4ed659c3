// The heartbeat hot path on a raw better-sqlite3 connection: token lookup and
// one transaction per heartbeat, committed before the agent gets its 2xx.
import Sqlite from "better-sqlite3";
import type { HeartbeatPayload } from "../protocol.ts";
import { newId } from "./ids.ts";
import { storeTime } from "./time.ts";

export interface AgentIdentity {
  tokenId: string;
  projectId: string;
}

export type AuthResult = { ok: true; agent: AgentIdentity } | { ok: false; reason: "unknown" | "revoked" | "expired" };

const LAST_USED_EVERY_MS = 60_000;

export class HeartbeatWriter {
  private readonly db: Sqlite.Database;
  private readonly stmts;
  private readonly lastUsedWritten = new Map<string, number>();
  readonly ingest: (projectId: string, hb: HeartbeatPayload, receivedAt: Date) => { duplicate: boolean };

  constructor(file: string) {
    this.db = new Sqlite(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.pragma("foreign_keys = ON");
    this.stmts = {
      token: this.db.prepare(`SELECT id, projectId, revokedAt, expiresAt FROM AgentToken WHERE hash = ?`),
      touchToken: this.db.prepare(`UPDATE AgentToken SET lastUsedAt = ? WHERE id = ?`),
      insertHeartbeat: this.db.prepare(
        `INSERT OR IGNORE INTO Heartbeat (id, projectId, receivedAt, sentAt, agentId, sequence, storageBytes, payload)
         VALUES (@id, @projectId, @receivedAt, @sentAt, @agentId, @sequence, @storageBytes, @payload)`,
      ),
      upsertDatabase: this.db.prepare(
        `INSERT INTO Database (id, projectId, name, path, sizeBytes, walBytes, position, lastHeartbeatAt, "exists", errors, notes, tableCounts, tableCountsAt)
         VALUES (@id, @projectId, @name, @path, @sizeBytes, @walBytes, @position, @at, @exists, @errors, @notes, @tableCounts, @tableCountsAt)
         ON CONFLICT (projectId, name) DO UPDATE SET
           path = excluded.path, sizeBytes = excluded.sizeBytes, walBytes = excluded.walBytes, position = excluded.position,
           lastHeartbeatAt = excluded.lastHeartbeatAt, "exists" = excluded."exists", errors = excluded.errors, notes = excluded.notes,
           tableCounts = COALESCE(excluded.tableCounts, Database.tableCounts),
           tableCountsAt = COALESCE(excluded.tableCountsAt, Database.tableCountsAt)
         WHERE Database.lastHeartbeatAt IS NULL OR Database.lastHeartbeatAt <= excluded.lastHeartbeatAt
         RETURNING id`,
      ),
      upsertReplica: this.db.prepare(
        `INSERT INTO Replica (id, databaseId, type, url, generation, position, pendingSince, lastSnapshotAt, lastWalAt, storageBytes, lastError, updatedAt)
         VALUES (@id, @databaseId, @type, @url, @generation, @position, @pendingSince, @lastSnapshotAt, @lastWalAt, @storageBytes, @lastError, @at)
         ON CONFLICT (databaseId, url) DO UPDATE SET
           type = excluded.type, generation = excluded.generation, position = excluded.position, pendingSince = excluded.pendingSince,
           lastSnapshotAt = excluded.lastSnapshotAt, lastWalAt = excluded.lastWalAt, storageBytes = excluded.storageBytes,
           lastError = excluded.lastError, updatedAt = excluded.updatedAt`,
      ),
      replicaUrls: this.db.prepare(`SELECT id, url FROM Replica WHERE databaseId = ?`),
      deleteReplica: this.db.prepare(`DELETE FROM Replica WHERE id = ?`),
      touchProject: this.db.prepare(
        `UPDATE Project SET lastHeartbeatAt = @at WHERE id = @projectId AND (lastHeartbeatAt IS NULL OR lastHeartbeatAt < @at)`,
      ),
    };
    this.ingest = this.db.transaction((projectId: string, hb: HeartbeatPayload, receivedAt: Date) =>
      this.write(projectId, hb, receivedAt),
    );
  }

  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const row = this.stmts.token.get(tokenHash) as
      | { id: string; projectId: string; revokedAt: string | null; expiresAt: string | null }
      | undefined;
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revokedAt) return { ok: false, reason: "revoked" };
    if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return { ok: false, reason: "expired" };
    const last = this.lastUsedWritten.get(row.id) ?? 0;
    if (now.getTime() - last > LAST_USED_EVERY_MS) {
      this.lastUsedWritten.set(row.id, now.getTime());
      this.stmts.touchToken.run(storeTime(now), row.id);
    }
    return { ok: true, agent: { tokenId: row.id, projectId: row.projectId } };
  }

  private write(projectId: string, hb: HeartbeatPayload, receivedAt: Date): { duplicate: boolean } {
    // An agent clock ahead of ours must not push state into the future.
    const measuredAt = new Date(Math.min(Date.parse(hb.sentAt), receivedAt.getTime()));
    const at = storeTime(measuredAt);
    const storageBytes = hb.databases.reduce(
      (sum, d) => sum + d.replicas.reduce((s, r) => s + (r.storageBytes ?? 0), 0),
      0,
    );
    const inserted = this.stmts.insertHeartbeat.run({
      id: newId(receivedAt.getTime()),
      projectId,
      receivedAt: storeTime(receivedAt),
      sentAt: at,
      agentId: hb.agentId ?? null,
      sequence: hb.sequence ?? null,
      storageBytes,
      payload: JSON.stringify(hb),
    });
    if (inserted.changes === 0) return { duplicate: true };

    for (const d of hb.databases) {
      const row = this.stmts.upsertDatabase.get({
        id: newId(receivedAt.getTime()),
        projectId,
        name: d.name,
        path: d.path,
        sizeBytes: d.sizeBytes ?? 0,
        walBytes: d.walBytes ?? 0,
        position: d.position ? JSON.stringify(d.position) : null,
        at,
        exists: d.exists ? 1 : 0,
        errors: JSON.stringify([...d.errors, ...hb.errors]),
        notes: JSON.stringify(d.notes ?? []),
        tableCounts: d.tableCounts ? JSON.stringify(d.tableCounts) : null,
        tableCountsAt: d.tableCounts ? storeTime(d.tableCountsAt ? new Date(d.tableCountsAt) : measuredAt) : null,
      }) as { id: string } | undefined;
      if (!row) continue; // an older, queued heartbeat: history only
      const reported = new Set<string>();
      for (const r of d.replicas) {
        reported.add(r.url);
        this.stmts.upsertReplica.run({
          id: newId(receivedAt.getTime()),
          databaseId: row.id,
          type: r.type,
          url: r.url,
          generation: r.generation ?? null,
          position: r.position ? JSON.stringify(r.position) : null,
          pendingSince: r.pendingSince ? storeTime(new Date(r.pendingSince)) : null,
          lastSnapshotAt: r.lastSnapshotAt ? storeTime(new Date(r.lastSnapshotAt)) : null,
          lastWalAt: r.lastWalAt ? storeTime(new Date(r.lastWalAt)) : null,
          storageBytes: r.storageBytes ?? 0,
          lastError: r.lastError ?? null,
          at,
        });
      }
      for (const old of this.stmts.replicaUrls.all(row.id) as { id: string; url: string }[]) {
        if (!reported.has(old.url)) this.stmts.deleteReplica.run(old.id);
      }
    }
    this.stmts.touchProject.run({ projectId, at: storeTime(receivedAt) });
    return { duplicate: false };
  }

  forgetToken(tokenId: string): void {
    this.lastUsedWritten.delete(tokenId);
  }

  close(): void {
    this.db.close();
  }
}
