// Planning: which notifications are due for which channel, claimed as
// pending Delivery rows. Sending is deliver.ts's job.
import type { Store } from "../store/db.ts";
import { endedInSilence, staleAwaitsHeartbeat, supersedingError } from "./cause.ts";
import { claimDeliveries, type DeliveryClaim } from "./claim.ts";
import { confirmSecondsFor, type ConfirmDelays } from "./confirm-delay.ts";
import { dueNotifications, nextPlanAt, type AlertTiming, type ChannelHistory } from "./decisions.ts";
import { deliveryKey, deliveryTarget } from "./delivery-key.ts";
import { recipientParts } from "./recipient-parts.ts";
import { recipientsOfMany } from "./recipients.ts";
import { pauseDecision, type PauseSpan } from "./pause.ts";
import { parseJson } from "../store/json.ts";

/** Resolved incidents older than this get no notification any more (the core was down all along). */
const RESOLVED_LOOKBACK_MS = 86_400_000;

export interface PlanSettings {
  confirm: number | ConfirmDelays;
  reminderHours: number;
  operatorEmails: string[];
  /**
   * Whether email can be sent (BORELA_SMTP_URL is set). Without it no email delivery is planned: an
   * incident still open when SMTP arrives is announced then, one that came and went meanwhile goes into
   * the channel's summary of missed incidents.
   */
  emailReady: boolean;
}

export interface PlanResult {
  /** How many deliveries this call claimed. */
  claimed: number;
  /** The projects this call planned. */
  projects: string[];
  /** Per project planned, the earliest time one of its open incidents needs planning again (plan-scope.ts); absent: none. */
  nextDue: Map<string, Date>;
}

/**
 * The incidents a pass at `at` plans (a Prisma `where` on Incident): open ones, and ones resolved within
 * RESOLVED_LOOKBACK_MS (and after `resolvedSince`, when that is later).
 */
export function plannedIncidents(at: Date, resolvedSince?: Date) {
  const lookback = new Date(at.getTime() - RESOLVED_LOOKBACK_MS);
  const since = resolvedSince && resolvedSince > lookback ? resolvedSince : lookback;
  return { OR: [{ resolvedAt: null }, { resolvedAt: { gt: since } }] };
}

/**
 * Which projects a pass plans: these ids, or every project with an incident open or resolved after
 * `resolvedSince` (and within RESOLVED_LOOKBACK_MS; every recent one without it). A planned project's incidents
 * are all read either way (open, and resolved within the lookback): the decisions compare them (cause.ts).
 */
export type PlanTarget = string[] | { resolvedSince?: Date };

/** Projects per batch: one read of their incidents and one of their recipients, then a turn for the event loop. */
export const PLAN_BATCH = 50;

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Plans the incidents of the projects `target` names (PlanTarget; default: every project with an incident
 * open or recently resolved), PLAN_BATCH projects at a time with a yield to the event loop between batches:
 * a mass silence's thousands of new incidents are planned in short slices, not one long hold of the loop.
 */
export async function planIncidentDeliveries(store: Store, settings: PlanSettings, at: Date, target: PlanTarget = {}): Promise<PlanResult> {
  const recent = plannedIncidents(at);
  const ids = Array.isArray(target) ? target : await projectsWithIncidents(store, at, target.resolvedSince);
  const result: PlanResult = { claimed: 0, projects: ids, nextDue: new Map() };
  for (let i = 0; i < ids.length; i += PLAN_BATCH) {
    if (i > 0) await yieldToLoop();
    await planBatch(store, settings, at, ids.slice(i, i + PLAN_BATCH), recent, result);
  }
  return result;
}

async function projectsWithIncidents(store: Store, at: Date, resolvedSince: Date | undefined): Promise<string[]> {
  const rows = await store.incident.findMany({
    where: plannedIncidents(at, resolvedSince),
    select: { projectId: true },
    distinct: ["projectId"],
    orderBy: { projectId: "asc" },
  });
  return rows.map((r) => r.projectId);
}

async function planBatch(store: Store, settings: PlanSettings, at: Date, projectIds: string[], recent: object, result: PlanResult): Promise<void> {
  const incidents = await store.incident.findMany({
    where: { projectId: { in: projectIds }, ...recent },
    include: {
      deliveries: { select: { dedupeKey: true, event: true, createdAt: true, channelId: true, target: true } },
      project: { select: { lastHeartbeatAt: true, staleAfterSeconds: true, pausedAt: true, pausedUntil: true, pausedBefore: true, alertEmails: true } },
    },
    orderBy: { id: "asc" },
  });
  if (incidents.length === 0) return;
  const byProject = await recipientsOfMany(store, new Map(incidents.map((i) => [i.projectId, i.project.alertEmails])), settings.operatorEmails);
  const { nextDue } = result;
  const dueAt = (projectId: string, when: Date | null) => {
    const known = nextDue.get(projectId);
    if (when && (!known || when < known)) nextDue.set(projectId, when);
  };
  const claims: DeliveryClaim[] = [];
  // False when the incident waits on something other than the clock (skipped below): plan it again next pass.
  async function planOne(incident: (typeof incidents)[number], timing: AlertTiming): Promise<boolean> {
    // Its condition went away and it waits out its hold (freshness/incident-plan.ts): nothing to announce until it returns or resolves.
    if (!incident.resolvedAt && incident.clearedAt) return false;
    const taken = new Set(incident.deliveries.map((d) => d.dedupeKey));
    const announcedAnywhere = incident.deliveries.some((d) => d.event === "opened" || d.event === "missed");
    // One cause, one alert (cause.ts): a stale incident an error took over is told by the error's messages;
    // one the core's clock opened waits for the agent's next heartbeat to confirm it or name the error.
    // A project's incidents are all in its batch, so `incidents` holds the ones these decisions compare.
    if (supersedingError(incident, incidents)) return false;
    if (!announcedAnywhere && endedInSilence(incident, incidents, at)) return false;
    if (incident.kind === "stale" && !incident.resolvedAt && !announcedAnywhere && (await awaitsHeartbeat(store, incident))) return false;
    const dueTo = (history: ChannelHistory) => dueNotifications(incident, history, announcedAnywhere, timing, at);
    for (const recipient of byProject.get(incident.projectId) ?? []) {
      if (recipient.type === "email" && !settings.emailReady) continue;
      for (const { channel, due } of recipientParts(recipient, incident.deliveries, dueTo, incident.openedAt)) {
        for (const n of due) {
          const dedupeKey = deliveryKey(incident.id, channel, n.event, n.seq);
          if (taken.has(dedupeKey)) continue;
          claims.push({ dedupeKey, event: n.event, incidentId: incident.id, channelId: channel.id, target: deliveryTarget(channel) });
        }
      }
    }
    return true;
  }
  for (const incident of incidents) {
    const timing = { confirmSeconds: confirmSecondsFor(incident.kind, settings.confirm), reminderHours: settings.reminderHours };
    // A paused project (pause.ts): nothing until its window ends, then what is still news.
    const announced = incident.deliveries.some((d) => d.event === "opened" || d.event === "missed");
    const paused = pauseDecision(incident, incident.project, parseJson<PauseSpan[]>(incident.project.pausedBefore, []), announced, at);
    if (paused === "hold") dueAt(incident.projectId, incident.project.pausedUntil);
    if (paused) continue;
    const planned = await planOne(incident, timing);
    if (!incident.resolvedAt) dueAt(incident.projectId, planned ? nextPlanAt(incident, timing, at) : at);
  }
  result.claimed += await claimDeliveries(store, claims, at);
}

async function awaitsHeartbeat(store: Store, incident: { databaseId: string | null; openedAt: Date; project: { lastHeartbeatAt: Date | null; staleAfterSeconds: number } }): Promise<boolean> {
  if (!incident.databaseId) return false;
  const waiting = await store.replica.findFirst({ where: { databaseId: incident.databaseId, pendingSince: { not: null } }, orderBy: { pendingSince: "asc" }, select: { pendingSince: true } });
  return staleAwaitsHeartbeat({
    lastHeartbeatAt: incident.project.lastHeartbeatAt,
    openedAt: incident.openedAt,
    pendingSince: waiting?.pendingSince ?? null,
    staleAfterSeconds: incident.project.staleAfterSeconds,
  });
}
