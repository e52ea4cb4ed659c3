// Pure alert decisions, healthchecks.io style: one notification when an
// incident opens (after a confirmation delay), one when it resolves (only if
// the opening was announced), and reminders at a cadence while it stays open.
export type AlertEvent = "opened" | "resolved" | "reminder";

export interface IncidentTimes {
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface DueNotification {
  event: AlertEvent;
  /** Reminder number (1, 2, ...); 0 for opened and resolved. */
  seq: number;
}

export interface AlertTiming {
  confirmSeconds: number;
  reminderHours: number;
}

export function dueNotifications(incident: IncidentTimes, openedAnnounced: boolean, timing: AlertTiming, now: Date): DueNotification[] {
  const confirmMs = timing.confirmSeconds * 1000;
  const lasted = (incident.resolvedAt ?? now).getTime() - incident.openedAt.getTime();
  const due: DueNotification[] = [];
  const confirmed = lasted >= confirmMs;
  if (confirmed && (incident.resolvedAt === null || incident.resolvedAt.getTime() - incident.openedAt.getTime() >= confirmMs)) {
    due.push({ event: "opened", seq: 0 });
  }
  if (incident.resolvedAt && (openedAnnounced || confirmed)) {
    due.push({ event: "resolved", seq: 0 });
  }
  if (!incident.resolvedAt && confirmed) {
    const reminders = Math.floor(lasted / (timing.reminderHours * 3_600_000));
    if (reminders >= 1) due.push({ event: "reminder", seq: reminders });
  }
  return due;
}

/** Delay before the next attempt of a failed delivery: doubles each time, at most an hour. */
export function retryDelayMs(attempts: number, baseSeconds: number): number {
  return Math.min(3_600_000, baseSeconds * 1000 * 2 ** Math.max(0, attempts - 1));
}

export const MAX_DELIVERY_ATTEMPTS = 8;
