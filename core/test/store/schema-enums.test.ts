// Issue 17 item 6: statuses, kinds and events are Prisma enums. On SQLite an enum is a TEXT column, so the raw
// fast path (better-sqlite3) writes the same strings Prisma does, and databases written before the enums read
// unchanged. This checks: the columns the migrations built are TEXT with the enum's default; every string
// literal raw SQL in core/src compares an enum column with is one of its values; what the raw sweep writes
// (statuses, incident kinds, transition events) Prisma reads back as the enum; the code's own lists are the enum.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseFile, openStore, type Store } from "../../src/store/db.ts";
import { SweepWrites } from "../../src/store/sweep-writes.ts";
import { IncidentSweepWrites } from "../../src/incidents/sweep-sql.ts";
import { STATUSES } from "../../src/freshness/severity.ts";
import { INCIDENT_KINDS } from "../../src/incidents/kinds.ts";
import { FreshnessStatus, IncidentKind } from "../../src/generated/prisma/enums.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const CORE = path.resolve(import.meta.dirname, "../..");
const SCHEMA = readFileSync(path.join(CORE, "prisma/schema.prisma"), "utf8");

/** enum name → values, from the schema. */
function schemaEnums(schema: string): Map<string, string[]> {
  return new Map(
    [...schema.matchAll(/^enum\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(([, name, body]) => [
      name,
      body.split("\n").map((l) => l.replace(/\/\/.*$/, "").trim()).filter((l) => /^\w+$/.test(l)),
    ]),
  );
}

/** Every model field whose type is an enum: table, column, enum, default (or null). */
function enumColumns(schema: string, enums: Map<string, string[]>): { table: string; column: string; type: string; dflt: string | null }[] {
  const out = [];
  for (const [, model, body] of schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    for (const raw of body.split("\n")) {
      const m = /^\s*(\w+)\s+(\w+)\??\s*(.*)$/.exec(raw.replace(/\/\/.*$/, ""));
      if (!m || !enums.has(m[2])) continue;
      out.push({ table: model, column: m[1], type: m[2], dflt: /@default\((\w+)\)/.exec(m[3])?.[1] ?? null });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === "generated" ? [] : sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

const enums = schemaEnums(SCHEMA);
const columns = enumColumns(SCHEMA, enums);

let dir: TmpDir;
let store: Store;
beforeAll(async () => {
  dir = await tmpDir("borela-schema-enums-");
  store = await openStore(dir.path);
});
afterAll(async () => {
  await store?.$disconnect();
  await dir?.remove();
});

describe("Prisma enums on SQLite and the raw fast path", () => {
  it("the schema declares the statuses, kinds and events as enums", () => {
    expect(columns.map((c) => `${c.table}.${c.column}`).sort()).toEqual(
      ["AlertChannel.type", "Database.status", "Delivery.event", "Delivery.status", "Drill.status", "Drill.trigger", "Incident.kind", "IncidentTransition.event", "Project.checkPolicy", "Project.status"].sort(),
    );
  });

  it("the code's lists are the enums' values", () => {
    expect([...STATUSES].sort()).toEqual(Object.values(FreshnessStatus).sort());
    expect([...INCIDENT_KINDS]).toEqual(Object.values(IncidentKind));
  });

  it("every enum column the migrations built is TEXT with the enum's default: no data rewrite, no migration", () => {
    const raw = new Sqlite(databaseFile(dir.path), { readonly: true });
    try {
      for (const c of columns) {
        const info = (raw.prepare(`PRAGMA table_info("${c.table}")`).all() as { name: string; type: string; notnull: number; dflt_value: string | null }[]).find(
          (r) => r.name === c.column,
        );
        expect(info, `${c.table}.${c.column}`).toBeDefined();
        expect(info!.type, `${c.table}.${c.column}`).toBe("TEXT");
        expect(info!.dflt_value, `${c.table}.${c.column}`).toBe(c.dflt === null ? null : `'${c.dflt}'`);
        if (c.dflt !== null) expect(enums.get(c.type)).toContain(c.dflt);
      }
    } finally {
      raw.close();
    }
  });

  it("every string raw SQL in core/src and the migrations' triggers compares an enum column with is one of that column's values", () => {
    const valuesOf = new Map<string, Set<string>>();
    for (const c of columns) valuesOf.set(c.column, new Set([...(valuesOf.get(c.column) ?? []), ...enums.get(c.type)!]));
    const pattern = new RegExp(`(?:\\w+\\.)?"?(${[...valuesOf.keys()].join("|")})"?\\s*(?:=|<>|!=|NOT IN|IN)\\s*\\(?((?:'[^']*'\\s*,?\\s*)+)`, "g");
    const found: string[] = [];
    const bad: string[] = [];
    const migrations = readdirSync(path.join(CORE, "prisma/migrations"))
      .map((name) => path.join(CORE, "prisma/migrations", name, "migration.sql"))
      .filter((file) => existsSync(file));
    for (const file of [...sourceFiles(path.join(CORE, "src")), ...migrations]) {
      for (const m of readFileSync(file, "utf8").matchAll(pattern)) {
        // SQLite's own catalogue has a `type` column too ('table', 'index'): not AlertChannel.type.
        if (/sqlite_(?:master|schema) WHERE $/.test(m.input.slice(Math.max(0, m.index - 40), m.index))) continue;
        for (const [, literal] of m[2].matchAll(/'([^']*)'/g)) {
          const where = `${path.relative(CORE, file)}: ${m[1]} '${literal}'`;
          found.push(where);
          if (!valuesOf.get(m[1])!.has(literal)) bad.push(where);
        }
      }
    }
    expect(bad).toEqual([]);
    // The scan reaches the raw statements it is for (fast-sql.ts's open-incident read, the drill reads).
    expect(found).toContain("src/store/fast-sql.ts: kind 'silent'");
    expect(found).toContain("prisma/migrations/20270102000000_sweep_deadlines/migration.sql: kind 'stale'");
    expect(found.length).toBeGreaterThan(10);
    // And would catch a misspelt one.
    expect(`WHERE status IN ('passed', 'faild')`.match(pattern)).not.toBeNull();
  });

  it("what the raw sweep writes (every status, kind and event), Prisma reads back as the enum", async () => {
    const raw = new Sqlite(databaseFile(dir.path));
    try {
      raw.exec(`INSERT INTO "Project" (id, name, drillSchedule, badgeKey, storagePrefix, updatedAt) VALUES ('p1', 'shop', '0 3 * * 0', 'b1', 'p/p1', CURRENT_TIMESTAMP)`);
      raw.exec(`INSERT INTO "Database" (id, projectId, name, path) VALUES ('db1', 'p1', 'app', '/data/app.db')`);
      const sweep = new SweepWrites(raw);
      const incidents = new IncidentSweepWrites(raw);
      const now = new Date("2026-11-29T12:00:00Z");
      for (const status of Object.values(FreshnessStatus)) {
        sweep.transaction(() => {
          sweep.projectStatus("p1", status, JSON.stringify([`${status} reason`]), now, now);
          sweep.databaseStatus("db1", status, "[]");
        });
        const p = await store.project.findUniqueOrThrow({ where: { id: "p1" }, include: { databases: true } });
        expect([p.status, p.databases[0].status]).toEqual([status, status]);
      }
      const swept = ["stale", "silent", "error"] as const;
      sweep.transaction(() => incidents.apply("p1", swept.map((kind) => ({ type: "open", key: { projectId: "p1", databaseId: "db1", kind }, reason: kind })), now));
      const open = await store.incident.findMany({ where: { projectId: "p1" }, include: { transitions: true }, orderBy: { kind: "asc" } });
      expect(open.map((i) => [i.kind, i.transitions.map((t) => t.event)])).toEqual([["error", ["opened"]], ["silent", ["opened"]], ["stale", ["opened"]]]);
      sweep.transaction(() => incidents.apply("p1", [{ type: "resolve", id: open[0].id, at: now }], now));
      const transitions = await store.incidentTransition.findMany({ where: { incidentId: open[0].id }, orderBy: { id: "asc" } });
      expect(transitions.map((t) => t.event)).toEqual(["opened", "resolved"]);
      // Prisma's own filter on an enum matches rows the raw path wrote.
      expect(await store.incident.count({ where: { kind: { in: ["stale", "silent"] }, resolvedAt: null } })).toBe(2);
    } finally {
      raw.close();
    }
  });
});
