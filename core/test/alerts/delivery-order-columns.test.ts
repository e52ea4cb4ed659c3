// Issue 17 item 6: a delivery waits for an earlier unsent message to the same channel about the same incident,
// and "the same channel" is read from the row's columns (channelId, or the alert-email recipients in
// target), not parsed back out of the dedupe key. Real SQLite store; no SMTP configured, so an attempt
// is given back at once for a core with SMTP, and shows as its lastError.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { deliverPending } from "../../src/alerts/deliver.ts";
import { deliveryKey } from "../../src/alerts/delivery-key.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const NOW = new Date("2026-11-29T12:00:00Z");
const LATER = new Date("2026-11-29T13:00:00Z");
const SETTINGS = { retrySeconds: 60, smtpUrl: null, mailFrom: "borela@example.com", alertEmail: [], publicUrl: "http://127.0.0.1:1", digestCron: "0 8 * * 1" };

let dir: TmpDir;
let store: Store;

async function row(id: string, channel: { id: string | null; type: string; target: string }, event: "opened" | "reminder", seq: number, due: Date): Promise<void> {
  await store.delivery.create({
    data: {
      id,
      incidentId: "inc1",
      channelId: channel.id,
      event,
      dedupeKey: deliveryKey("inc1", channel, event, seq),
      target: channel.id ? null : channel.target,
      status: "pending",
      createdAt: NOW,
      nextAttemptAt: due,
    },
  });
}

beforeAll(async () => {
  dir = await tmpDir("borela-delivery-order-");
  store = await openStore(dir.path);
  await store.project.create({ data: { id: "p1", name: "shop", drillSchedule: "0 3 * * 0", badgeKey: "b1", storagePrefix: "p/p1" } });
  await store.incident.create({ data: { id: "inc1", projectId: "p1", kind: "error", reason: "boom", openedAt: NOW } });
  await store.alertChannel.create({ data: { id: "ch1", projectId: "p1", type: "email", target: "team@example.com" } });
  const ops = { id: null, type: "email", target: "ops@example.com" };
  // Openings not yet due: the reminders after them, to the same channel, must wait.
  await row("d1-open-ops", ops, "opened", 0, LATER);
  await row("d2-remind-ops", ops, "reminder", 1, NOW);
  await row("d3-open-ch1", { id: "ch1", type: "email", target: "team@example.com" }, "opened", 0, LATER);
  await row("d4-remind-ch1", { id: "ch1", type: "email", target: "team@example.com" }, "reminder", 1, NOW);
  // Other recipients: another channel, nothing earlier owed to it.
  await row("d5-remind-oncall", { id: null, type: "email", target: "oncall@example.com" }, "reminder", 1, NOW);
});
afterAll(async () => {
  await store?.$disconnect();
  await dir?.remove();
});

describe("message order per channel, from the delivery's columns", () => {
  it("a reminder waits for its channel's unsent opening; another channel's reminder goes", async () => {
    const done = await deliverPending(store, Buffer.alloc(32, 7), SETTINGS, () => NOW);
    expect(done.map((d) => [d.id, d.status])).toEqual([["d5-remind-oncall", "left for a peer"]]);
    const rows = await store.delivery.findMany({ orderBy: { id: "asc" }, select: { id: true, attempts: true, lastError: true } });
    expect(rows.map((r) => [r.id, r.attempts, r.lastError !== null])).toEqual([
      ["d1-open-ops", 0, false],
      ["d2-remind-ops", 0, false],
      ["d3-open-ch1", 0, false],
      ["d4-remind-ch1", 0, false],
      ["d5-remind-oncall", 0, true],
    ]);
  });
});
