// The heartbeat hot path on a raw better-sqlite3 connection: token lookup and
// one transaction per heartbeat, committed before the agent gets its 2xx.
import Sqlite from "better-sqlite3";
import type { HeartbeatPayload } from "../protocol.ts";
import { newId } from "./ids.ts";
import { storeTime } from "./time.ts";
import type { SweepInput } from "../freshness/sweeper.ts";

export interface AgentIdentity {
  tokenId: string;
  projectId: string;
}

interface PendingHeartbeat {
  projectId: string;
  hb: HeartbeatPayload;
  receivedAt: Date;
  resolve(result: { duplicate: boolean }): void;
  reject(err: unknown): void;
}

/** A heartbeat that would bring its project past BORELA_MAX_DATABASES_PER_PROJECT; nothing of it is written. */
export class DatabaseLimitError extends Error {
  constructor(readonly limit: number, readonly wouldHave: number) {
    super(
      `databases: this heartbeat would bring the project to ${wouldHave} databases, over the limit of ${limit} per project ` +
        `(BORELA_MAX_DATABASES_PER_PROJECT); retire the databases the agent no longer reports, or raise the limit`,
    );
  }
}

export interface HeartbeatWriterOptions {
  /** BORELA_MAX_DATABASES_PER_PROJECT. */
  maxDatabasesPerProject: number;
}

export type AuthResult =
  | { ok: true; agent: AgentIdentity }
  | { ok: false; reason: "unknown" }
  | { ok: false; reason: "revoked" | "expired"; projectId: string };

const LAST_USED_EVERY_MS = 60_000;
const BUSY_RETRIES = 500;
// Another core process sharing the file sees a revocation within this long.
const AUTH_CACHE_MS = 2_000;
const AUTH_CACHE_MAX = 10_000;

export class HeartbeatWriter {
  private readonly db: Sqlite.Database;
  private readonly stmts;
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly ingestBatch: (batch: PendingHeartbeat[]) => { duplicate: boolean }[];
  private pending: PendingHeartbeat[] = [];
  private readonly authCache = new Map<string, { result: AuthResult; until: number }>();
  /** The last time each project's agent came with a revoked or expired token: the likely cause of its silence. */
  private readonly rejections = new Map<string, { at: Date; reason: "revoked" | "expired" }>();

  private readonly maxDatabases: number;

  constructor(file: string, options: HeartbeatWriterOptions = { maxDatabasesPerProject: 32 }) {
    this.maxDatabases = options.maxDatabasesPerProject;
    this.db = new Sqlite(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    // No busy wait: a synchronous wait here would block the event loop while a
    // Prisma transaction on the same file waits for that loop to commit.
    this.db.pragma("busy_timeout = 0");
    this.db.pragma("foreign_keys = ON");
    this.stmts = {
      token: this.db.prepare(`SELECT id, projectId, revokedAt, expiresAt FROM AgentToken WHERE hash = ?`),
      touchToken: this.db.prepare(`UPDATE AgentToken SET lastUsedAt = ? WHERE id = ?`),
      insertHeartbeat: this.db.prepare(
        `INSERT OR IGNORE INTO Heartbeat (id, projectId, receivedAt, sentAt, agentId, sequence, storageBytes, payload)
         VALUES (@id, @projectId, @receivedAt, @sentAt, @agentId, @sequence, @storageBytes, @payload)`,
      ),
      upsertDatabase: this.db.prepare(
        `INSERT INTO Database (id, projectId, name, path, sizeBytes, walBytes, position, lastHeartbeatAt, "exists", errors, notes, tableCounts, tableCountsAt, markerEnabled)
         VALUES (@id, @projectId, @name, @path, @sizeBytes, @walBytes, @position, @at, @exists, @errors, @notes, @tableCounts, @tableCountsAt, @markerEnabled)
         ON CONFLICT (projectId, name) DO UPDATE SET
           path = excluded.path, sizeBytes = excluded.sizeBytes, walBytes = excluded.walBytes, position = excluded.position,
           lastHeartbeatAt = excluded.lastHeartbeatAt, "exists" = excluded."exists", errors = excluded.errors, notes = excluded.notes,
           tableCounts = COALESCE(excluded.tableCounts, Database.tableCounts),
           tableCountsAt = COALESCE(excluded.tableCountsAt, Database.tableCountsAt),
           markerEnabled = excluded.markerEnabled, missedHeartbeats = 0
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
      databaseNames: this.db.prepare(`SELECT name FROM Database WHERE projectId = ?`),
      // Only heartbeats measured after the database's own last report count as leaving it out.
      missDatabases: this.db.prepare(
        `UPDATE Database SET missedHeartbeats = missedHeartbeats + 1
         WHERE projectId = @projectId AND (lastHeartbeatAt IS NULL OR lastHeartbeatAt < @at)
           AND name NOT IN (SELECT value FROM json_each(@names))`,
      ),
      replicaUrls: this.db.prepare(`SELECT id, url FROM Replica WHERE databaseId = ?`),
      deleteReplica: this.db.prepare(`DELETE FROM Replica WHERE id = ?`),
      sweepProject: this.db.prepare(
        `SELECT id, status, statusReasons, staleAfterSeconds, heartbeatGraceSeconds, lastHeartbeatAt, lastPingAt FROM Project WHERE id = ?`,
      ),
      sweepDatabases: this.db.prepare(
        `SELECT id, name, path, status, statusReasons, lastHeartbeatAt, "exists", errors, missedHeartbeats FROM Database WHERE projectId = ? ORDER BY name`,
      ),
      sweepReplicas: this.db.prepare(
        `SELECT r.databaseId, r.url, r.pendingSince, r.lastError, r.position, r.lastSnapshotAt FROM Replica r JOIN Database d ON d.id = r.databaseId WHERE d.projectId = ? ORDER BY r.url`,
      ),
      sweepIncidents: this.db.prepare(
        `SELECT id, databaseId, kind, reason, clearedAt FROM Incident
         WHERE projectId = ? AND resolvedAt IS NULL AND kind IN ('silent', 'error', 'stale') ORDER BY openedAt`,
      ),
      touchProject: this.db.prepare(
        `UPDATE Project SET lastHeartbeatAt = @at WHERE id = @projectId AND (lastHeartbeatAt IS NULL OR lastHeartbeatAt < @at)`,
      ),
    };
    this.ingestBatch = this.db.transaction((batch: PendingHeartbeat[]) =>
      batch.map((item) => this.write(item.projectId, item.hb, item.receivedAt)),
    );
  }

  /**
   * Writes a heartbeat; resolves once it is committed. Heartbeats arriving in
   * the same tick share one transaction (group commit). While the file is
   * locked by another connection it retries without blocking the event loop.
   */
  ingest(projectId: string, hb: HeartbeatPayload, receivedAt: Date): Promise<{ duplicate: boolean }> {
    return new Promise((resolve, reject) => {
      this.pending.push({ projectId, hb, receivedAt, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(attempt = 0): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let results: { duplicate: boolean }[];
    try {
      results = this.ingestBatch(batch);
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_BUSY" && attempt < BUSY_RETRIES) {
        this.pending = batch.concat(this.pending);
        await new Promise((r) => setTimeout(r, Math.min(50, 1 + attempt)));
        return this.flush(attempt + 1);
      }
      if (batch.length > 1) {
        // One bad heartbeat must not fail the others: write them one by one.
        for (const item of batch) {
          try {
            item.resolve(this.ingestBatch([item])[0]);
          } catch (e) {
            item.reject(e);
          }
        }
        return;
      }
      batch[0].reject(err);
      return;
    }
    batch.forEach((item, i) => item.resolve(results[i]));
  }

  authenticate(tokenHash: string, now = new Date()): AuthResult {
    const cached = this.authCache.get(tokenHash);
    const result = cached && cached.until > now.getTime() ? cached.result : this.lookupToken(tokenHash, now);
    if (result !== cached?.result) {
      if (this.authCache.size >= AUTH_CACHE_MAX) this.authCache.clear();
      this.authCache.set(tokenHash, { result, until: now.getTime() + AUTH_CACHE_MS });
    }
    if (!result.ok && result.reason !== "unknown") this.rejections.set(result.projectId, { at: now, reason: result.reason });
    return result;
  }

  /** Revocation and rotation call this so they take effect at once in this process. */
  forgetTokens(): void {
    this.authCache.clear();
  }

  private lookupToken(tokenHash: string, now: Date): AuthResult {
    const row = this.stmts.token.get(tokenHash) as
      | { id: string; projectId: string; revokedAt: string | null; expiresAt: string | null }
      | undefined;
    if (!row) return { ok: false, reason: "unknown" };
    if (row.revokedAt) return { ok: false, reason: "revoked", projectId: row.projectId };
    if (row.expiresAt && Date.parse(row.expiresAt) <= now.getTime()) return { ok: false, reason: "expired", projectId: row.projectId };
    const last = this.lastUsedWritten.get(row.id) ?? 0;
    if (now.getTime() - last > LAST_USED_EVERY_MS) {
      try {
        this.stmts.touchToken.run(storeTime(now), row.id);
        this.lastUsedWritten.set(row.id, now.getTime());
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err; // lastUsedAt is advisory: try next time
      }
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
    this.checkDatabaseLimit(projectId, hb);

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
        // An agent that writes markers opts the database into the drill's round-trip proof.
        markerEnabled: d.marker ? 1 : 0,
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
    this.stmts.missDatabases.run({ projectId, at, names: JSON.stringify(hb.databases.map((d) => d.name)) });
    this.stmts.touchProject.run({ projectId, at: storeTime(receivedAt) });
    return { duplicate: false };
  }

  /** Throws DatabaseLimitError (rolling the transaction back) when the heartbeat names too many databases. */
  private checkDatabaseLimit(projectId: string, hb: HeartbeatPayload): void {
    const names = new Set((this.stmts.databaseNames.all(projectId) as { name: string }[]).map((r) => r.name));
    for (const d of hb.databases) names.add(d.name);
    if (names.size > this.maxDatabases) throw new DatabaseLimitError(this.maxDatabases, names.size);
  }

  /** What the freshness sweeper needs for one project, read on this fast connection. */
  sweepInput(projectId: string): SweepInput | null {
    type P = { id: string; status: string; statusReasons: string; staleAfterSeconds: number; heartbeatGraceSeconds: number; lastHeartbeatAt: string | null; lastPingAt: string | number | null };
    const p = this.stmts.sweepProject.get(projectId) as P | undefined;
    if (!p) return null;
    type D = { id: string; name: string; path: string; status: string; statusReasons: string; lastHeartbeatAt: string | null; exists: number; errors: string; missedHeartbeats: number };
    type R = { databaseId: string; url: string; pendingSince: string | null; lastError: string | null; position: string | null; lastSnapshotAt: string | null };
    type I = { id: string; databaseId: string | null; kind: "silent" | "error" | "stale"; reason: string; clearedAt: string | null };
    const replicas = this.stmts.sweepReplicas.all(projectId) as R[];
    const date = (s: string | null) => (s ? new Date(s) : null);
    return {
      // lastPingAt is written by Prisma (routes/ping.ts): a number of ms or an ISO string, as its SQLite driver stores it.
      project: { ...p, lastHeartbeatAt: date(p.lastHeartbeatAt), lastPingAt: p.lastPingAt === null ? null : new Date(p.lastPingAt), rejectedToken: this.rejections.get(projectId) ?? null },
      databases: (this.stmts.sweepDatabases.all(projectId) as D[]).map((d) => ({
        id: d.id,
        name: d.name,
        path: d.path,
        status: d.status,
        statusReasons: d.statusReasons,
        lastHeartbeatAt: date(d.lastHeartbeatAt),
        exists: d.exists === 1,
        errors: parseErrors(d.errors),
        missedHeartbeats: d.missedHeartbeats,
        replicas: replicas
          .filter((r) => r.databaseId === d.id)
          .map((r) => ({
            url: r.url,
            pendingSince: date(r.pendingSince),
            lastError: r.lastError,
            hasPosition: r.position !== null,
            lastSnapshotAt: date(r.lastSnapshotAt),
          })),
      })),
      openIncidents: (this.stmts.sweepIncidents.all(projectId) as I[]).map((i) => ({ ...i, clearedAt: date(i.clearedAt) })),
    };
  }

  close(): void {
    this.db.close();
  }
}

function parseErrors(json: string): string[] {
  try {
    const v = JSON.parse(json);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}
