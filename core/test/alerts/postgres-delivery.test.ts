// The delivery ledger on a PostgreSQL store (issue 20): two cores' dispatchers, each with its own client
// (its own connections), plan and send the same incidents at once; every message is claimed and sent once,
// and a row whose holder stalled past its lease is taken over, fenced, under the same identity.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "../../src/store/ids.ts";
import { asStore, openPostgresStore, type PostgresStore } from "../../src/store/postgres-db.ts";
import type { Store } from "../../src/store/db.ts";
import { SEND_LEASE_MS } from "../../src/alerts/deliver.ts";
import { claimDeliveries } from "../../src/alerts/claim.ts";
import { startPostgres, type PostgresCluster } from "../support/postgres.ts";
import { waitFor } from "../support/wait-for.ts";
import { alertConfig, clock, dispatcher, open, resolve, seedProject } from "./fixtures.ts";
import { startHeldReceiver, type HeldReceiver } from "./held-receiver.ts";

let cluster: PostgresCluster;
const clients: PostgresStore[] = [];
let a: Store;
let b: Store;
let receiver: HeldReceiver;

beforeAll(async () => {
  cluster = await startPostgres();
  const url = await cluster.createDatabase("deliveries");
  clients.push(await openPostgresStore(url), await openPostgresStore(url));
  [a, b] = clients.map(asStore);
  receiver = await startHeldReceiver();
}, 90_000);

afterAll(async () => {
  receiver?.release();
  await receiver?.close();
  await Promise.all(clients.map((c) => c.$disconnect()));
  await cluster?.stop();
});

const identity = (h: { headers: Record<string, unknown> }) => String(h.headers["idempotency-key"]);
const T0 = new Date("2026-11-04T12:00:00Z");

describe("alert deliveries on PostgreSQL", () => {
  it("two cores planning and sending the same incidents at once send each message once", async () => {
    await a.alertChannel.create({ data: { id: newId(), projectId: null, type: "webhook", target: receiver.url } });
    const c = clock(T0);
    const seeded = await Promise.all(["one", "two", "three"].map((name) => seedProject(a, name)));
    for (const s of seeded) await open(a, s, "error", "disk full", T0);
    const [da, db] = [dispatcher(a, alertConfig({}), c), dispatcher(b, alertConfig({}), c)];
    for (let i = 0; i < 3; i++) await Promise.all([da.tick(), db.tick()]);
    c.advance(5);
    for (const s of seeded) await resolve(a, s, "error", c.now());
    for (let i = 0; i < 3; i++) await Promise.all([da.tick(), db.tick()]);

    expect(receiver.received).toHaveLength(6);
    expect(new Set(receiver.received.map(identity)).size).toBe(6);
    const rows = await a.delivery.findMany({ select: { status: true, attempts: true } });
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
  });

  it("claims many rows in one statement; a claim another core made is skipped", async () => {
    const s = await seedProject(a, "batch");
    const { incident } = await open(a, s, "stale", "waiting", T0);
    const claims = [0, 1, 2].map((n) => ({ dedupeKey: `${incident!.id}:email:x@example.com:reminder:${n + 1}`, event: "reminder" as const, incidentId: incident!.id, channelId: null, target: "x@example.com" }));
    expect(await claimDeliveries(a, claims.slice(0, 2), T0)).toBe(2);
    expect(await claimDeliveries(b, claims, T0)).toBe(1);
    const rows = await a.delivery.findMany({ where: { incidentId: incident!.id }, orderBy: { dedupeKey: "asc" } });
    expect(rows.map((r) => [r.status, r.createdAt.toISOString()])).toEqual(claims.map(() => ["pending", T0.toISOString()]));
    await a.incident.delete({ where: { id: incident!.id } }); // its rows with it: the next test counts its own
  });

  it("a holder stalled past its lease records nothing over the core that took the row over", async () => {
    const c = clock(new Date(T0.getTime() + 3_600_000));
    const s = await seedProject(a, "stalled");
    const { incident } = await open(a, s, "error", "disk full", c.now());
    const [da, db] = [dispatcher(a, alertConfig({}), c), dispatcher(b, alertConfig({}), c)];
    const before = receiver.received.length;
    receiver.hold(true);
    const aPass = da.tick();
    await waitFor(() => receiver.received.length > before || null, { timeoutMs: 10_000, what: "the held send" });
    c.advance(SEND_LEASE_MS / 1000 + 1);
    const bPass = db.tick();
    await waitFor(() => receiver.received.length > before + 1 || null, { timeoutMs: 10_000, what: "the takeover's send" });
    receiver.hold(false);
    receiver.release();
    const [aDone, bDone] = await Promise.all([aPass, bPass]);
    expect(aDone.map((d) => d.status)).toEqual(["taken over"]);
    expect(bDone.map((d) => d.status)).toEqual(["sent"]);
    expect(identity(receiver.received[before + 1])).toBe(identity(receiver.received[before]));
    const row = await a.delivery.findFirstOrThrow({ where: { incidentId: incident!.id } });
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
  });
});
