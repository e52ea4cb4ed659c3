// Heartbeat ingest on the fast connection: one heartbeat's rows (history,
// databases, replicas, the project's last heartbeat) in one transaction,
// committed (group commit) before the agent gets its 2xx.
import type Sqlite from "better-sqlite3";
import type { HeartbeatPayload } from "../protocol.ts";
import { newId } from "./ids.ts";
import { storeTime } from "./time.ts";
import { INGEST_SQL } from "./fast-sql.ts";
import { prepareAllBound } from "./bound-statement.ts";
import { groupCommit } from "./group-commit.ts";
import { nextHighMark, reportedTxid } from "./replica-high-mark.ts";
import { reportedDatabases } from "./reported-databases.ts";
import type { HeartbeatIngestPart, ReplicaPlaces } from "./fast-path-types.ts";

/** A heartbeat that would bring its project past BORELA_MAX_DATABASES_PER_PROJECT; nothing of it is written. */
export class DatabaseLimitError extends Error {
  constructor(readonly limit: number, readonly wouldHave: number) {
    super(
      `databases: this heartbeat would bring the project to ${wouldHave} databases, over the limit of ${limit} per project ` +
        `(BORELA_MAX_DATABASES_PER_PROJECT); retire the databases the agent no longer reports, or raise the limit`,
    );
  }
}

export interface HeartbeatIngestOptions {
  /** BORELA_MAX_DATABASES_PER_PROJECT. */
  maxDatabasesPerProject: number;
}

/** What an ingest changed: the project whose state the heartbeat wrote, unless it was a duplicate (same id: nothing written). */
export interface Ingested {
  projectId: string;
  duplicate: boolean;
  /** File replica places new to its project this heartbeat recorded (drills/replica-claim-records.ts). */
  claimsMade: number;
}

interface StoredDatabase {
  id: string;
  name: string;
  lastHeartbeatAt: string | null;
}

interface StoredReplica {
  id: string;
  url: string;
  highTxid: number | bigint | null;
  highTxidAt: string | null;
}

interface Item {
  projectId: string;
  hb: HeartbeatPayload;
  receivedAt: Date;
  places: ReplicaPlaces | undefined;
}

const NO_PLACES: ReplicaPlaces = new Map();

export class HeartbeatIngest implements HeartbeatIngestPart {
  private readonly stmts;
  private readonly commit: (item: Item) => Promise<Ingested>;

  constructor(db: Sqlite.Database, private readonly options: HeartbeatIngestOptions) {
    this.stmts = prepareAllBound(db, INGEST_SQL);
    const transaction = db.transaction((batch: Item[]) => batch.map((item) => this.write(item)));
    this.commit = groupCommit(transaction);
  }

  /**
   * Writes a heartbeat (already checked by schema and reported-values.ts); resolves once committed.
   * Rejects with DatabaseLimitError when it names too many databases.
   */
  ingest(projectId: string, hb: HeartbeatPayload, receivedAt: Date, places?: ReplicaPlaces): Promise<Ingested> {
    return this.commit({ projectId, hb, receivedAt, places });
  }

  private write({ projectId, hb, receivedAt, places }: Item): Ingested {
    // An agent clock ahead of ours must not push state into the future.
    const measuredAt = new Date(Math.min(Date.parse(hb.sentAt), receivedAt.getTime()));
    const at = storeTime(measuredAt);
    const received = storeTime(receivedAt);
    const storageBytes = hb.databases.reduce((sum, d) => sum + d.replicas.reduce((s, r) => s + (r.storageBytes ?? 0), 0), 0);
    const inserted = this.stmts.insertHeartbeat.run({
      id: newId(receivedAt.getTime()),
      projectId,
      receivedAt: received,
      sentAt: at,
      agentId: hb.agentId ?? null,
      sequence: hb.sequence ?? null,
      storageBytes,
      payload: JSON.stringify(hb),
    });
    if (inserted.changes === 0) return { projectId, duplicate: true, claimsMade: 0 };
    const names = hb.databases.map((d) => d.name);
    const rows = this.stmts.databases.all(projectId) as StoredDatabase[];
    const stored = reportedDatabases(rows.map((r) => r.name), names);
    // Thrown inside the transaction: nothing of this heartbeat is stored.
    if (stored.wouldHave > this.options.maxDatabasesPerProject) throw new DatabaseLimitError(this.options.maxDatabasesPerProject, stored.wouldHave);
    this.stmts.touchProject.run({ projectId, at: received });

    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const d of hb.databases) {
      const old = byName.get(d.name);
      // An older, queued heartbeat: history only (the same text comparison the SQL made).
      if (old && old.lastHeartbeatAt !== null && old.lastHeartbeatAt > at) continue;
      const values = {
        id: old?.id ?? newId(receivedAt.getTime()),
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
      };
      if (old) this.stmts.updateDatabase.run(values);
      else {
        this.stmts.insertDatabase.run(values);
        // A name reported twice: its second report updates this row, as it would a stored one.
        byName.set(d.name, { id: values.id, name: d.name, lastHeartbeatAt: at });
      }
      this.writeReplicas(values.id, d.replicas, reportedTxid(d.position), at, receivedAt);
    }
    let claimsMade = 0;
    for (const place of (places ?? NO_PLACES).values()) {
      const written = this.stmts.upsertClaim.get({ id: newId(receivedAt.getTime()), projectId, path: place.path, dir: place.dir, at: received }) as { firstAt: string } | undefined;
      if (written?.firstAt === received) claimsMade++;
    }
    if (stored.leavesOut) this.stmts.missDatabases.run({ projectId, at, names: JSON.stringify(names) });
    return { projectId, duplicate: false, claimsMade };
  }

  /**
   * Writes the reported replicas (inserts new URLs, updates stored ones by id; with each one's TXID high mark, replica-high-mark.ts; `databaseTxid`:
   * the database's own TXID in this heartbeat) and deletes the ones the database no longer reports.
   */
  private writeReplicas(databaseId: string, replicas: HeartbeatPayload["databases"][number]["replicas"], databaseTxid: number | null, at: string, receivedAt: Date): void {
    const stored = this.stmts.replicas.all(databaseId) as StoredReplica[];
    const byUrl = new Map(stored.map((s) => [s.url, s]));
    const written = new Map<string, string>();
    for (const r of replicas) {
      const old = byUrl.get(r.url);
      const oldMark = old && old.highTxid !== null && old.highTxidAt ? { txid: Number(old.highTxid), at: old.highTxidAt } : null;
      const mark = nextHighMark(oldMark, reportedTxid(r.position), databaseTxid, at);
      // A URL reported twice: its second report updates the row its first one wrote.
      const id = old?.id ?? written.get(r.url);
      const values = {
        id: id ?? newId(receivedAt.getTime()),
        databaseId,
        type: r.type,
        url: r.url,
        generation: r.generation ?? null,
        position: r.position ? JSON.stringify(r.position) : null,
        pendingSince: r.pendingSince ? storeTime(new Date(r.pendingSince)) : null,
        lastSnapshotAt: r.lastSnapshotAt ? storeTime(new Date(r.lastSnapshotAt)) : null,
        lastWalAt: r.lastWalAt ? storeTime(new Date(r.lastWalAt)) : null,
        storageBytes: r.storageBytes ?? 0,
        lastError: r.lastError ?? null,
        highTxid: mark?.txid ?? null,
        highTxidAt: mark?.at ?? null,
        at,
      };
      if (id) this.stmts.updateReplica.run(values);
      else this.stmts.insertReplica.run(values);
      written.set(r.url, values.id);
    }
    for (const old of stored) {
      if (!written.has(old.url)) this.stmts.deleteReplica.run(old.id);
    }
  }
}
