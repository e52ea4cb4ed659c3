// Who hears about a project: its own channels and alert emails, the
// operator's channels (projectId null), and BORELA_ALERT_EMAIL when the
// project names no email recipient of its own.
import type { Store } from "../store/db.ts";
import { openSecret, openTarget } from "./channels/sealed-target.ts";
import type { Channel, ChannelType } from "./channels.ts";
import { KeyMismatchError, PermanentDeliveryError } from "./errors.ts";

/** A recipient as planning sees it: no secret decrypted, a channel row's target as stored (maybe sealed: channels/sealed-target.ts). */
export interface Recipient {
  id: string | null;
  type: ChannelType;
  target: string;
  createdAt: Date | null;
}

export function splitEmails(list: string | null | undefined): string[] {
  return (list ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}

/** A channel row as recipients are chosen from it. */
export interface ChannelRow {
  id: string;
  projectId: string | null;
  type: string;
  target: string;
  createdAt: Date;
}

/**
 * Pure: who hears about `projectId`, from the channel rows that may concern it (its own and the
 * operator's, in id order; rows of other projects are ignored) and its alertEmails (comma-separated).
 */
export function recipientsFrom(projectId: string, alertEmails: string | null | undefined, rows: ChannelRow[], operatorEmails: string[]): Recipient[] {
  const mine = rows.filter((r) => r.projectId === projectId || r.projectId === null);
  const out: Recipient[] = mine.map((r) => ({ id: r.id, type: r.type as ChannelType, target: r.target, createdAt: r.createdAt }));
  const projectEmails = splitEmails(alertEmails);
  const hasEmailChannel = mine.some((r) => r.projectId === projectId && r.type === "email");
  if (projectEmails.length > 0) out.push({ id: null, type: "email", target: projectEmails.join(","), createdAt: null });
  else if (!hasEmailChannel && operatorEmails.length > 0) out.push({ id: null, type: "email", target: operatorEmails.join(","), createdAt: null });
  return out;
}

export async function recipients(store: Store, projectId: string, operatorEmails: string[]): Promise<Recipient[]> {
  const project = await store.project.findUnique({ where: { id: projectId }, select: { alertEmails: true } });
  const rows = await store.alertChannel.findMany({ where: { OR: [{ projectId }, { projectId: null }] }, orderBy: { id: "asc" } });
  return recipientsFrom(projectId, project?.alertEmails, rows, operatorEmails);
}

/**
 * Who hears about each of `projects` (id → alertEmails, as the caller read them): one read of the
 * channel rows for all of them (bind at most a few hundred ids: SQLite's bound-parameter limit).
 */
export async function recipientsOfMany(store: Store, projects: Map<string, string | null>, operatorEmails: string[]): Promise<Map<string, Recipient[]>> {
  const rows = await store.alertChannel.findMany({ where: { OR: [{ projectId: { in: [...projects.keys()] } }, { projectId: null }] }, orderBy: { id: "asc" } });
  const out = new Map<string, Recipient[]>();
  for (const [projectId, alertEmails] of projects) out.set(projectId, recipientsFrom(projectId, alertEmails, rows, operatorEmails));
  return out;
}

/** The channel a planned delivery goes to, secret decrypted; throws a permanent error when it is gone, KeyMismatchError when this key does not open it. */
export async function channelOfDelivery(store: Store, secretKey: Buffer, delivery: { channelId: string | null; target: string | null; dedupeKey: string }): Promise<Channel> {
  if (delivery.channelId) {
    const row = await store.alertChannel.findUnique({ where: { id: delivery.channelId } });
    if (!row) throw new PermanentDeliveryError(`alert channel ${delivery.channelId} no longer exists`);
    let secret: string | null = null;
    if (row.secretEnc) {
      try {
        secret = openSecret(secretKey, row.secretEnc);
      } catch (err) {
        throw new KeyMismatchError(`alert channel ${row.id}: ${(err as Error).message}`);
      }
    }
    let target: string;
    try {
      target = openTarget(secretKey, row.target);
    } catch (err) {
      throw new KeyMismatchError(`alert channel ${row.id}: ${(err as Error).message}`);
    }
    return { id: row.id, type: row.type as ChannelType, target, secret, deliveryKey: delivery.dedupeKey };
  }
  // Alert emails are not rows: the addresses were fixed in the delivery's target when it was planned.
  const target = delivery.target;
  if (!target) throw new PermanentDeliveryError(`delivery ${delivery.dedupeKey} names no channel`);
  return { id: null, type: "email", target, secret: null, deliveryKey: delivery.dedupeKey };
}
