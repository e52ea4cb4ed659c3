// Issue 17 item 6: Delivery.target (migration 20270105000000_delivery_target) on a database that already
// holds deliveries. A real SQLite store is migrated to the migration before it, given the rows the old
// planner wrote (alert emails whose recipients were only in the dedupe key, channel rows, the digest), then
// opened as the core opens it: every alert-email row reads its recipients from the column, the SQL backfill
// agrees with the key's own parser, and the key still dedupes.
import { cpSync, readdirSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrate } from "../../src/store/migrate.ts";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { emailTargetOf, parseDeliveryKey } from "../../src/alerts/delivery-key.ts";
import { channelOfDelivery } from "../../src/alerts/recipients.ts";
import { claimDelivery } from "../../src/alerts/claim.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const MIGRATION = "20270105000000_delivery_target";
const SECRET_KEY = Buffer.alloc(32, 7);

/** Rows as the old planner keyed them: [id, incidentId, channelId, event, dedupeKey]. */
const OLD_ROWS: [string, string | null, string | null, string, string][] = [
  ["d1", "inc1", null, "opened", "inc1:email:ops@example.com:opened:0"],
  ["d2", "inc1", null, "reminder", "inc1:email:ops@example.com,oncall@example.com:reminder:12"],
  // Addresses that end in digits, and the digits of the reminder number after them.
  ["d3", "inc1", null, "reminder", "inc1:email:pager+7@example.com,ops@h2o9:reminder:3"],
  ["d4", "inc2", null, "missed", "inc2:email:ops@example.com:missed:0"],
  ["d5", "inc2", null, "resolved", "inc2:email:ops@example.com,oncall@example.com:resolved:0"],
  ["d6", "inc1", "ch1", "opened", "inc1:ch1:opened:0"],
  ["d7", null, null, "digest", "digest:2026-W48"],
];

let dir: TmpDir;
let applied: string[];
let store: Store;

beforeAll(async () => {
  dir = await tmpDir("borela-delivery-target-");
  const before = path.join(dir.path, "migrations-before");
  for (const name of readdirSync(MIGRATIONS_DIR)) {
    if (name < MIGRATION) cpSync(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
  const raw = new Sqlite(databaseFile(dir.path));
  migrate(raw, before);
  raw.exec(`INSERT INTO "Project" (id, name, drillSchedule, badgeKey, storagePrefix, updatedAt) VALUES ('p1', 'shop', '0 3 * * 0', 'b1', 'p/p1', CURRENT_TIMESTAMP)`);
  raw.exec(`INSERT INTO "Incident" (id, projectId, kind, reason) VALUES ('inc1', 'p1', 'stale', 'r'), ('inc2', 'p1', 'error', 'r')`);
  raw.exec(`INSERT INTO "AlertChannel" (id, projectId, type, target) VALUES ('ch1', 'p1', 'webhook', 'https://hooks.example.com/T000/B000/secretpath')`);
  const insert = raw.prepare(`INSERT INTO "Delivery" (id, incidentId, channelId, event, dedupeKey) VALUES (?, ?, ?, ?, ?)`);
  for (const row of OLD_ROWS) insert.run(...row);
  applied = migrate(raw);
  raw.close();
  store = await openStore(dir.path);
});
afterAll(async () => {
  await store?.$disconnect();
  await dir?.remove();
});

describe("migration 20270105000000_delivery_target on a database with deliveries", () => {
  it("applies once, after every earlier migration", () => {
    // Later migrations follow it in the same run.
    expect(applied[0]).toBe(MIGRATION);
    expect(applied.filter((name) => name === MIGRATION)).toHaveLength(1);
  });

  it("backfills every alert-email row's recipients from its key, as the key's parser reads them; channel rows and the digest stay null", async () => {
    const rows = await store.delivery.findMany({ orderBy: { id: "asc" }, select: { id: true, dedupeKey: true, channelId: true, target: true } });
    expect(rows.map((r) => [r.id, r.target])).toEqual([
      ["d1", "ops@example.com"],
      ["d2", "ops@example.com,oncall@example.com"],
      ["d3", "pager+7@example.com,ops@h2o9"],
      ["d4", "ops@example.com"],
      ["d5", "ops@example.com,oncall@example.com"],
      // The webhook's URL (it may carry a secret) is not copied out of its channel row.
      ["d6", null],
      ["d7", null],
    ]);
    for (const r of rows.filter((r) => !r.channelId && r.target)) {
      expect(r.target).toBe(emailTargetOf(parseDeliveryKey(r.dedupeKey)!.channel));
    }
  });

  it("an old row is sent to the recipients of its column, a channel row to its channel's target", async () => {
    const d2 = await store.delivery.findUniqueOrThrow({ where: { id: "d2" } });
    expect(await channelOfDelivery(store, SECRET_KEY, d2)).toEqual({ id: null, type: "email", target: "ops@example.com,oncall@example.com", secret: null, deliveryKey: d2.dedupeKey });
    const d6 = await store.delivery.findUniqueOrThrow({ where: { id: "d6" } });
    expect(await channelOfDelivery(store, SECRET_KEY, d6)).toMatchObject({ id: "ch1", type: "webhook", target: "https://hooks.example.com/T000/B000/secretpath" });
  });

  it("the dedupe key still claims: an old row's key cannot be claimed again, a new one can", async () => {
    const at = new Date();
    expect(await claimDelivery(store, { dedupeKey: "inc1:email:ops@example.com:opened:0", event: "opened", incidentId: "inc1", channelId: null, target: "ops@example.com" }, at)).toBe(false);
    expect(await claimDelivery(store, { dedupeKey: "inc1:email:ops@example.com:resolved:0", event: "resolved", incidentId: "inc1", channelId: null, target: "ops@example.com" }, at)).toBe(true);
    expect(await store.delivery.count({ where: { incidentId: "inc1", target: "ops@example.com" } })).toBe(2);
  });
});
