// The alert loop: every few seconds, claim the notifications that fell due
// (incidents the outbox or the clock says to look at, see plan-scope.ts; the weekly digest) and send the pending ones whose time has
// come. Delivery state lives in the database, so restarts and several core
// processes never send twice.
//
//   const alerts = createAlertDispatcher({ store, config, secretKey, logger });
//   alerts.start();  ...  await alerts.stop();
import type { Config } from "../config.ts";
import type { Log } from "../logger.ts";
import type { Store } from "../store/db.ts";
import type { ConfirmDelays } from "./confirm-delay.ts";
import { deliverPending, type DeliveredAttempt } from "./deliver.ts";
import type { NotHere } from "./delivery-rows.ts";
import { planDigest } from "./digest.ts";
import { digestDue } from "./digest-schedule.ts";
import { passNeeded, readAlertProbe, type AlertProbe } from "./idle-probe.ts";
import { planIncidentDeliveries } from "./plan.ts";
import { createPlanScope, planTarget } from "./plan-scope.ts";
import { nextOutage, type Outage, type OutageEvent } from "../store/outage.ts";
import { unreachableReason } from "../store/unreachable.ts";

const DEFAULT_TICK_MS = 2_000;

/** The config the alerts read; alertConfirmSeconds may be per kind (see confirm-delay.ts). */
export type AlertConfig = Pick<
  Config,
  "smtpUrl" | "mailFrom" | "alertEmail" | "publicUrl" | "alertReminderHours" | "alertRetrySeconds" | "digestCron"
> & { alertConfirmSeconds: number | ConfirmDelays; alertAllowPrivateTargets?: boolean; s3?: Config["s3"] };

export interface AlertDispatcherDeps {
  store: Store;
  config: AlertConfig;
  /** Decrypts webhook signing secrets (loadSecretKey). */
  secretKey: Buffer;
  logger: Log;
  /** The clock; tests move it to see reminders and retries without waiting. */
  now?: () => Date;
  tickMs?: number;
  /** Per SMTP stage or per webhook request. */
  sendTimeoutMs?: number;
}

export interface AlertDispatcher {
  /** One pass: plan, then send. Concurrent calls share the pass in progress. */
  tick(): Promise<DeliveredAttempt[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createAlertDispatcher(deps: AlertDispatcherDeps): AlertDispatcher {
  const { store, config, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const { smtpUrl, mailFrom, alertEmail, publicUrl, digestCron } = config;
  const settings = {
    ...{ smtpUrl, mailFrom, alertEmail, publicUrl, digestCron },
    timeoutMs: deps.sendTimeoutMs ?? 10_000,
    retrySeconds: config.alertRetrySeconds,
    allowPrivateTargets: config.alertAllowPrivateTargets ?? false,
    s3: config.s3 ?? null,
  };
  const plan = { confirm: config.alertConfirmSeconds, reminderHours: config.alertReminderHours, operatorEmails: config.alertEmail, emailReady: !!config.smtpUrl };
  const scope = createPlanScope(store);
  const notHere: NotHere = new Map();
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<DeliveredAttempt[]> | null = null;
  // A store outage logs one line when it begins and one when it ends, not one per pass (every 2 s).
  let outage: Outage | null = null;
  const note = (event: OutageEvent) => {
    const step = nextOutage(outage, event, now());
    outage = step.outage;
    if (step.began) logger.warn({ reason: step.outage?.reason }, `alert dispatch paused: the store cannot be reached (${step.outage?.reason}); no alert goes out until it answers`);
    if (step.endedAfterSeconds !== null) logger.warn({ outageSeconds: step.endedAfterSeconds }, `alert dispatch resumed: the store answers again after ${step.endedAfterSeconds} s`);
  };
  // The probe read before the last pass that succeeded: an unchanged store and a quiet clock skip the pass.
  let lastProbe: AlertProbe | null = null;

  async function pass(): Promise<DeliveredAttempt[]> {
    const at = now();
    const probe = await readAlertProbe(store, digestCron && smtpUrl ? (digestDue(digestCron, at)?.week ?? null) : null);
    if (!passNeeded(lastProbe, probe, at.getTime(), scope.quiet(at))) return [];
    lastProbe = null;
    const s = await scope.next(at);
    const planned = s.all || s.projectIds.length > 0 ? await planIncidentDeliveries(store, plan, at, planTarget(s)) : null;
    scope.planned(s, planned?.nextDue ?? new Map(), planned?.projects);
    await planDigest(store, settings, at);
    const done = await deliverPending(store, deps.secretKey, settings, now, notHere);
    for (const d of done) {
      if (d.status === "left for a peer") logger.warn({ deliveryId: d.id, event: d.event, reason: d.detail }, "this core cannot send this alert: left, unattempted, for a core that can");
      else if (d.status === "taken over") logger.warn({ deliveryId: d.id, event: d.event, ok: d.ok }, "alert attempt outlasted its lease: another core took the delivery over and records it");
      else if (d.ok) logger.info({ deliveryId: d.id, event: d.event }, "alert delivered");
      else logger.warn({ deliveryId: d.id, event: d.event, status: d.status, error: d.detail }, d.status === "failed" ? "alert delivery failed for good" : "alert delivery failed; will retry");
    }
    lastProbe = probe;
    return done;
  }

  function tick(): Promise<DeliveredAttempt[]> {
    running ??= pass()
      .then((done) => {
        note({ ok: true });
        return done;
      })
      .catch((err: Error) => {
        const reason = unreachableReason(err);
        if (reason) note({ ok: false, reason });
        else logger.error({ error: err.message }, "alert dispatch failed");
        return [];
      })
      .finally(() => (running = null));
    return running;
  }

  return {
    tick,
    start() {
      if (timer) return;
      if (!config.smtpUrl && config.alertEmail.length > 0) {
        logger.warn({ alertEmail: config.alertEmail }, "BORELA_ALERT_EMAIL is set but BORELA_SMTP_URL is not: no alert email goes out until it is (incidents that come and go meanwhile are summed up in one email then)");
      }
      timer = setInterval(() => void tick(), deps.tickMs ?? DEFAULT_TICK_MS);
      timer.unref();
      void tick();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
