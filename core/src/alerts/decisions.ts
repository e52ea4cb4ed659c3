// Pure alert decisions, healthchecks.io style: one notification when an
// incident opens (after its confirmation delay), one when it resolves (only to
// channels that heard it open), and reminders at a cadence while it stays open.
// Decisions are per channel, so a channel added later is told what is still
// open, not what already cleared. An incident that opened and resolved before
// a channel could hear of it is "missed": it goes out in one summary with the
// channel's other missed incidents (deliver.ts), never as a burst of pairs.
import { backoffMs } from "../backoff.ts";
import type { DeliveryEvent } from "../generated/prisma/enums.ts";

export type AlertEvent = Exclude<DeliveryEvent, "digest">;

export interface IncidentTimes {
  openedAt: Date;
  resolvedAt: Date | null;
}

/** What one channel has been told about one incident so far. */
export interface ChannelHistory {
  /** When this channel's "opened" notification was claimed; null if never. */
  openedClaimedAt: Date | null;
  /** When the channel was created; null for recipients that are not rows (alert emails). */
  createdAt: Date | null;
}

export interface DueNotification {
  event: AlertEvent;
  /** Reminder number (1, 2, ...); 0 for the other events. */
  seq: number;
}

export interface AlertTiming {
  confirmSeconds: number;
  reminderHours: number;
}

export function dueNotifications(
  incident: IncidentTimes,
  channel: ChannelHistory,
  announcedAnywhere: boolean,
  timing: AlertTiming,
  now: Date,
): DueNotification[] {
  const opened = incident.openedAt.getTime();
  const lasted = (incident.resolvedAt ?? now).getTime() - opened;
  const confirmed = lasted >= timing.confirmSeconds * 1000;

  if (incident.resolvedAt) {
    if (channel.openedClaimedAt) return [{ event: "resolved", seq: 0 }];
    // It cleared before this channel heard it open (between two ticks, the core down, email not configured
    // yet): it was still a real incident, told once, inside this channel's summary of what it missed. Other
    // channels having heard it does not excuse this one, unless it was added while the incident was open
    // (it joined a story the others had already told).
    const channelExisted = !channel.createdAt || channel.createdAt <= incident.resolvedAt;
    const joinedLate = !!channel.createdAt && channel.createdAt > incident.openedAt;
    return confirmed && channelExisted && !(announcedAnywhere && joinedLate) ? [{ event: "missed", seq: 0 }] : [];
  }
  if (!confirmed) return [];
  if (!channel.openedClaimedAt) return [{ event: "opened", seq: 0 }];
  const cadence = timing.reminderHours * 3_600_000;
  const n = Math.floor(lasted / cadence);
  // Only reminders that fell due after this channel heard it open; missed ones collapse into the latest.
  if (n >= 1 && opened + n * cadence > channel.openedClaimedAt.getTime()) return [{ event: "reminder", seq: n }];
  return [];
}

export const MAX_DELIVERY_ATTEMPTS = 12;
const MAX_RETRY_DELAY_MS = 3_600_000;

/** Delay before the next attempt of a failed delivery: doubles each time, at most an hour. */
export function retryDelayMs(attempts: number, baseSeconds: number): number {
  return backoffMs(attempts, baseSeconds * 1000, MAX_RETRY_DELAY_MS);
}

/**
 * When an open incident next needs planning if nothing else happens to it (no transition, no new
 * channel): when its confirmation delay ends, then at its next reminder. Null for a resolved incident
 * (its notices are planned when it resolves). Planning earlier is harmless, later would delay a notice.
 */
export function nextPlanAt(incident: IncidentTimes, timing: AlertTiming, now: Date): Date | null {
  if (incident.resolvedAt) return null;
  const opened = incident.openedAt.getTime();
  const confirmAt = opened + timing.confirmSeconds * 1000;
  if (now.getTime() < confirmAt) return new Date(confirmAt);
  const cadence = timing.reminderHours * 3_600_000;
  const n = Math.floor((now.getTime() - opened) / cadence);
  return new Date(opened + (n + 1) * cadence);
}
