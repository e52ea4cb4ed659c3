// One incident opened and resolved through the real dispatcher, its channel
// pointed at a loopback receiver that stands in for a cloud alert API.
import { afterEach } from "vitest";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook-receiver.ts";
import type { Store } from "../../../src/store/db.ts";
import { newId } from "../../../src/store/ids.ts";
import type { ChannelType } from "../../../src/alerts/channels/registry.ts";
import { alertConfig, clock, dispatcher, open, resolve, seedProject, tempStore, type Seeded, type TestStore } from "../fixtures.ts";

export interface RoundTrip {
  db: TestStore;
  receiver: WebhookReceiver;
  seeded: Seeded;
  incident: { id: string };
  /** When the incident opened; it resolves 90 s later. */
  openedAt: Date;
}

/** An alert channel's type as the store takes it. */
type ChannelTypeName = Parameters<Store["alertChannel"]["create"]>[0]["data"]["type"];

export const ROUND_TRIP_T0 = new Date("2026-11-04T12:00:00Z");

/**
 * Registers the afterEach that closes what it started, and returns
 * `roundTrip(project, type, checkTarget, key)`: the channel's target is the
 * receiver's base URL + "/" + key, checked by the provider's `checkTarget`;
 * the incident is an "error" whose reason names s3://bucket/<project>.
 * `receiver(statuses)` starts a bare receiver closed the same way.
 */
export function useRoundTrip() {
  let started: { db?: TestStore; receiver?: WebhookReceiver } = {};
  afterEach(async () => {
    await started.receiver?.close();
    await started.db?.close();
    started = {};
  });
  async function receiver(statuses: number[]): Promise<WebhookReceiver> {
    started.receiver = await startWebhookReceiver(statuses);
    return started.receiver;
  }
  async function roundTrip(project: string, type: ChannelType, checkTarget: (target: string, allowPrivate: boolean) => string, key: string): Promise<RoundTrip> {
    const db = await tempStore();
    started.db = db;
    const receiver = await startWebhookReceiver([202, 202]);
    started.receiver = receiver;
    const seeded = await seedProject(db.store, project);
    const target = checkTarget(`${receiver.url.replace(/\/hook$/, "")}/${key}`, true);
    await db.store.alertChannel.create({ data: { id: newId(), projectId: seeded.projectId, type, target } });
    const c = clock(ROUND_TRIP_T0);
    const alerts = dispatcher(db.store, alertConfig({}), c);

    const { incident } = await open(db.store, seeded, "error", `Litestream: access denied to s3://bucket/${project}`, ROUND_TRIP_T0);
    await alerts.tick();
    c.advance(90);
    await resolve(db.store, seeded, "error", c.now());
    await alerts.tick();
    return { db, receiver, seeded, incident: incident!, openedAt: ROUND_TRIP_T0 };
  }
  return { roundTrip, receiver };
}
