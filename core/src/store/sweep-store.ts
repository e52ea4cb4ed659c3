// What the freshness sweeper reads and writes, as either store provides it: SQLite's synchronous
// parts (fast-path.ts SweepStore, presented by sqlite-sweep-store.ts) and PostgreSQL's over a pg pool
// (postgres/sweep-store.ts). Every method returns a promise.
//
// A batch is not a transaction around an arbitrary async function: on SQLite that would leave the
// one better-sqlite3 connection inside an open transaction across awaits, where the heartbeat ingest
// sharing it would write into (or roll back with) the sweep's batch. Instead `batch` reads each
// project, asks a pure `decide` what to write, and writes it, all in one transaction of its store.
import type { SweepInput } from "./sweep-reads.ts";
import type { IncidentAction } from "../incidents/sweep-actions.ts";
import type { FreshnessStatus } from "../generated/prisma/enums.ts";
import type { Sight } from "./sight-text.ts";

export type { SweepInput } from "./sweep-reads.ts";

/** What one project's sweep writes, decided from its SweepInput without I/O. */
export interface SweepPlan {
  /** Applied in order (incidents/sweep-actions.ts). */
  incidents: IncidentAction[];
  /** Only when the status or its reasons changed. `reasons`: JSON array text; `since`: now when the status changed, null when only the reasons did. */
  project: { status: FreshnessStatus; reasons: string; since: Date | null } | null;
  /** Only the databases whose status or reasons changed. */
  databases: { id: string; status: FreshnessStatus; reasons: string }[];
  /** The project's next deadline, written last (the incident writes' triggers clear it); null: due again at once. */
  deadline: Date | null;
}

/** `decide`'s answer: the plan to write, and what the caller gets back for the project once committed. */
export interface SweepDecision<R> {
  plan: SweepPlan;
  result: R;
}

export interface AsyncSweepReads {
  /** Ids of the projects whose sweep deadline passed by `now` or was cleared (NULL): cleared first, then earliest first. */
  due(now: Date): Promise<string[]>;
  /** Projects whose agent came with a revoked or expired token after `at` (AgentToken.rejectedAt, written by any core). */
  rejectedSince(at: Date): Promise<string[]>;
  /** One project's sweep input; null when the project does not exist. */
  read(projectId: string): Promise<SweepInput | null>;
}

export interface AsyncSweepWrites {
  /** `since`: when the status changed (statusSince), or null when only the reasons did. `reasons`: JSON array text. */
  projectStatus(id: string, status: FreshnessStatus, reasons: string, since: Date | null, now: Date): Promise<void>;
  databaseStatus(id: string, status: FreshnessStatus, reasons: string): Promise<void>;
  /** The project's next deadline; null evaluates it on the next sweep. */
  deadline(id: string, at: Date | null): Promise<void>;
}

export interface AsyncIncidentSweepWrites {
  /** One project's planned incident actions in order at `now`, atomically: each opening and resolve with its IncidentTransition. */
  apply(projectId: string, actions: IncidentAction[], now: Date): Promise<void>;
}

export interface AsyncSweepMark {
  /** Stores `at` as the last completed sweep unless a later one is stored (by any process). */
  record(at: Date): Promise<void>;
  /** The latest completed sweep any process stored, or null. */
  latest(): Promise<Date | null>;
}

export interface AsyncSightMark {
  /** Stores `sight` unless one with a later `since` is stored (by any process). */
  record(sight: Sight): Promise<void>;
  /** The latest regained sight any process stored (sight-text.ts), or null. */
  latest(): Promise<Sight | null>;
}

export interface AsyncSweepStore {
  reads: AsyncSweepReads;
  writes: AsyncSweepWrites;
  incidents: AsyncIncidentSweepWrites;
  mark: AsyncSweepMark;
  /** When the watcher last regained sight after a blind gap (freshness/watching-since.ts), shared by every core. */
  sight: AsyncSightMark;
  /**
   * One batch in one transaction at `now`: reads each project (once, in the order given), calls
   * `decide` on its input, writes the plan. Resolves after the commit with each existing project's
   * result (deleted projects are absent); rejects with the store's error, nothing of the batch stored.
   * Transient conflicts (SQLite busy, PostgreSQL deadlock or serialization failure) are retried, a
   * bounded number of times, with `decide` called again on what is read then.
   */
  batch<R>(projectIds: string[], now: Date, decide: (input: SweepInput) => SweepDecision<R>): Promise<Map<string, R>>;
}
