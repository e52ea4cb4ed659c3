// Delivery state lives in the database, so restarts and several core
// processes never send twice: each notification is a Delivery row whose
// unique dedupeKey is the claim, inserted before anything is sent.
import type { Config } from "../config.ts";
import type { Logger } from "../logger.ts";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { dueNotifications, MAX_DELIVERY_ATTEMPTS, retryDelayMs, type AlertEvent } from "./decisions.ts";
import { channelKey, recipients } from "./recipients.ts";
import { alertContext } from "./context.ts";
import { send, type Channel } from "./channels.ts";
import { digestTick } from "./digest.ts";

const TICK_MS = 2_000;
const RESOLVED_LOOKBACK_MS = 86_400_000;

interface LogEntry {
  at: string;
  ok: boolean;
  detail: string;
}

export function createAlertDispatcher(deps: { store: Store; config: Config; secretKey: Buffer; logger: Logger; now?: () => Date }) {
  const { store, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function plan(at: Date): Promise<void> {
    const incidents = await store.incident.findMany({
      where: { OR: [{ resolvedAt: null }, { resolvedAt: { gt: new Date(at.getTime() - RESOLVED_LOOKBACK_MS) } }] },
      include: { deliveries: { select: { event: true } } },
    });
    for (const incident of incidents) {
      const announced = incident.deliveries.some((d) => d.event === "opened");
      const due = dueNotifications(incident, announced, { confirmSeconds: config.alertConfirmSeconds, reminderHours: config.alertReminderHours }, at);
      if (due.length === 0) continue;
      const channels = await recipients(store, deps.secretKey, incident.projectId, config.alertEmail);
      for (const n of due) {
        for (const channel of channels) await claim(incident.id, channel, n.event, n.seq);
      }
    }
  }

  async function claim(incidentId: string, channel: Channel, event: AlertEvent, seq: number): Promise<void> {
    try {
      await store.delivery.create({
        data: { id: newId(), incidentId, channelId: channel.id, event, dedupeKey: `${incidentId}:${channelKey(channel)}:${event}:${seq}` },
      });
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return; // planned already
      throw err;
    }
  }

  async function deliver(at: Date): Promise<void> {
    const pending = await store.delivery.findMany({
      where: { status: "pending", nextAttemptAt: { lte: at }, incidentId: { not: null } },
      orderBy: { createdAt: "asc" },
      take: 50,
    });
    for (const d of pending) {
      // Claim the attempt: another process that read the same row loses here.
      const { count } = await store.delivery.updateMany({
        where: { id: d.id, status: "pending", attempts: d.attempts },
        data: { status: "sending", attempts: d.attempts + 1 },
      });
      if (count === 0) continue;
      const incident = await store.incident.findUniqueOrThrow({ where: { id: d.incidentId! } });
      const channels = await recipients(store, deps.secretKey, incident.projectId, config.alertEmail);
      const channel = channels.find((c) => d.dedupeKey.startsWith(`${incident.id}:${channelKey(c)}:`));
      const log = JSON.parse(d.log) as LogEntry[];
      if (!channel) {
        log.push({ at: at.toISOString(), ok: false, detail: "channel no longer exists" });
        await store.delivery.update({ where: { id: d.id }, data: { status: "failed", log: JSON.stringify(log) } });
        continue;
      }
      try {
        const context = await alertContext(store, config.publicUrl, incident, d.event as AlertEvent, at);
        const detail = await send(channel, context, { smtpUrl: config.smtpUrl, mailFrom: config.mailFrom });
        log.push({ at: new Date().toISOString(), ok: true, detail });
        await store.delivery.update({ where: { id: d.id }, data: { status: "sent", sentAt: new Date(), lastError: null, log: JSON.stringify(log) } });
        await store.incident.update({ where: { id: incident.id }, data: { lastNotifiedAt: new Date() } });
        logger.info({ deliveryId: d.id, event: d.event, channel: channel.type }, "alert delivered");
      } catch (err) {
        const message = (err as Error).message;
        log.push({ at: new Date().toISOString(), ok: false, detail: message });
        const attempts = d.attempts + 1;
        const failedForGood = attempts >= MAX_DELIVERY_ATTEMPTS;
        await store.delivery.update({
          where: { id: d.id },
          data: {
            status: failedForGood ? "failed" : "pending",
            lastError: message,
            nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts, config.alertRetrySeconds)),
            log: JSON.stringify(log),
          },
        });
        logger.warn({ deliveryId: d.id, attempts, err: message }, failedForGood ? "alert delivery gave up" : "alert delivery failed; will retry");
      }
    }
  }

  function tick(): Promise<void> {
    running ??= (async () => {
      const at = now();
      await plan(at);
      await deliver(at);
      await digestTick(store, config, at);
    })()
      .catch((err) => logger.error({ err }, "alert dispatch failed"))
      .finally(() => (running = null));
    return running;
  }

  return {
    tick,
    start(): void {
      // Attempts left "sending" by a crash are retried; the receiver may see one duplicate, never a loss.
      void store.delivery.updateMany({ where: { status: "sending" }, data: { status: "pending" } }).then(() => tick());
      timer = setInterval(() => void tick(), TICK_MS);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
export type AlertDispatcher = ReturnType<typeof createAlertDispatcher>;
