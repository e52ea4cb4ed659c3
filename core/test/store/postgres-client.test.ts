// Issue 20, foundation: the Prisma client generated for PostgreSQL (src/generated/prisma-pg) over
// @prisma/adapter-pg writes and reads every kind of row the core keeps, with the same enums as the
// SQLite client, on a store opened by store/postgres-db.ts (migrations applied on open).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as SqliteEnums from "../../src/generated/prisma/enums.ts";
import * as PgEnums from "../../src/generated/prisma-pg/enums.ts";
import { Prisma } from "../../src/generated/prisma-pg/client.ts";
import { openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";

let cluster: PostgresCluster;
let store: PostgresStore;

beforeAll(async () => {
  cluster = await startPostgres();
  store = await openPostgresStore(await cluster.createDatabase("client"));
}, 90_000);

afterAll(async () => {
  await store?.$disconnect();
  await cluster?.stop();
});

describe("the PostgreSQL Prisma client", () => {
  it("has the SQLite client's enums, value for value", () => {
    expect(PgEnums).toEqual(SqliteEnums);
  });

  it("creates and reads a project with its database, replica, heartbeat, drill, incident, transition, channel and delivery", async () => {
    const at = new Date("2026-11-29T12:00:00.123Z");
    await store.project.create({
      data: {
        id: "p1",
        name: "shop",
        drillSchedule: "0 3 * * 0",
        badgeKey: "badge-1",
        storagePrefix: "projects/p1",
        status: PgEnums.FreshnessStatus.fresh,
        lastHeartbeatAt: at,
        databases: {
          create: {
            id: "d1",
            name: "app",
            path: "/data/app.db",
            sizeBytes: 5_000_000_000n,
            replicas: { create: { id: "r1", type: "s3", url: "s3://bucket/app", highTxid: 2n ** 40n } },
          },
        },
        heartbeats: { create: { id: "h1", sentAt: at, agentId: "agent-1", sequence: 7, storageBytes: 42n, payload: '{"databases":[]}' } },
        drills: { create: { id: "dr1", databaseId: "d1", status: PgEnums.DrillStatus.passed, trigger: PgEnums.DrillTrigger.schedule, finishedAt: at } },
        incidents: {
          create: {
            id: "i1",
            kind: PgEnums.IncidentKind.drill_overdue,
            reason: "no passing drill for 8 days",
            transitions: { create: { projectId: "p1", event: PgEnums.TransitionEvent.opened, at } },
          },
        },
        alertChannels: { create: { id: "c1", type: PgEnums.ChannelType.webhook, target: "https://hooks.example.test/x" } },
      },
    });
    await store.delivery.create({
      data: { id: "del1", incidentId: "i1", channelId: "c1", event: PgEnums.DeliveryEvent.opened, dedupeKey: "i1:c1:opened" },
    });

    const project = await store.project.findUniqueOrThrow({
      where: { id: "p1" },
      include: { databases: { include: { replicas: true } }, heartbeats: true, drills: true, incidents: { include: { transitions: true, deliveries: true } } },
    });
    expect(project.status).toBe("fresh");
    expect(project.lastHeartbeatAt).toEqual(at);
    expect(project.databases[0].sizeBytes).toBe(5_000_000_000n);
    expect(project.databases[0].replicas[0].highTxid).toBe(2n ** 40n);
    expect(project.heartbeats[0]).toMatchObject({ agentId: "agent-1", sequence: 7, storageBytes: 42n });
    expect(project.drills[0]).toMatchObject({ status: "passed", trigger: "schedule", finishedAt: at });
    expect(project.incidents[0]).toMatchObject({ kind: "drill_overdue", resolvedAt: null });
    expect(project.incidents[0].transitions[0]).toMatchObject({ event: "opened", at });
    expect(typeof project.incidents[0].transitions[0].id).toBe("number");
    expect(project.incidents[0].deliveries[0]).toMatchObject({ event: "opened", status: "pending", attempts: 0 });
  });

  it("keeps the delivery ledger's dedupe key unique (P2002) and cascades a project's delete", async () => {
    const again = store.delivery.create({ data: { id: "del2", incidentId: "i1", channelId: "c1", event: "opened", dedupeKey: "i1:c1:opened" } });
    await expect(again).rejects.toSatisfy((e) => e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002");
    await store.project.delete({ where: { id: "p1" } });
    expect(await store.delivery.count()).toBe(0);
    expect(await store.heartbeat.count()).toBe(0);
    expect(await store.alertChannel.count()).toBe(0);
  });

  it("refuses a value outside an enum at the database, not only in TypeScript", async () => {
    const bad = store.$executeRawUnsafe(`INSERT INTO "Incident" ("id", "projectId", "kind", "reason") VALUES ('x', 'p1', 'flood', 'r')`);
    await expect(bad).rejects.toThrow(/invalid input value for enum "IncidentKind": "flood"/);
  });
});
