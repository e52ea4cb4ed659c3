// Sending: every pending delivery whose time has come gets one attempt, taken
// under a lease so that two core processes never send the same one at once.
// Messages to one channel about one incident go out in order: a resolve
// notice never overtakes the opening it answers. A channel's "missed"
// deliveries (incidents that came and went before it could hear of them) go
// out together as one summary (catch-up.ts, missed.ts).
import type { Store } from "../store/db.ts";
import type { S3Settings } from "../config.ts";
import { markNotified } from "../incidents/notified.ts";
import { afterAttempt, type AttemptOutcome } from "./attempt.ts";
import { send, type Channel, type Senders } from "./channels.ts";
import { composeMessage, messageDetail } from "./compose.ts";
import { deliveryChannel, messageOrder, parseDeliveryKey } from "./delivery-key.ts";
import { sendDigest, type DigestSettings } from "./digest.ts";
import { NotSendableHereError, PermanentDeliveryError } from "./errors.ts";
import { channelOfDelivery } from "./recipients.ts";
import { isCatchUp, leaseCatchUp } from "./catch-up.ts";
import { sameRecipients } from "./email-addresses.ts";
import { leaseDelivery, renewLeases } from "./claim.ts";
import { groupKey, type GroupMember } from "./grouping.ts";
import { identityKey, isFrozen, mayHaveArrived, readMessage, samePlan, type FrozenMessage, type MessageMode } from "./frozen-message.ts";
import { DIGEST_EXPIRED, NOT_HERE_MAX, expireDigest, freeze, leadUnsent, leaseRows, release, type NotHere } from "./delivery-rows.ts";
import { digestExpired } from "./digest-schedule.ts";
import { countDelivery } from "../metrics/counters.ts";
import { boundChannel, raisedTargets, usedColumns } from "./pager-closes.ts";

/** One attempt's outcome and the channel it used (what the delivery log shows); several for a pager closed at each key it was raised at. */
type Sent = AttemptOutcome & { used?: Channel[] };

function usedData(secretKey: Buffer, used: Channel[] | undefined, event: string) {
  return used?.length ? usedColumns(secretKey, used, event) : {};
}

/**
 * A "sending" row whose process died is taken over after this long. The holder renews it every
 * SEND_RENEW_MS while its attempt runs, so a slow send (several pager closes, SMTP stages) keeps it.
 */
export const SEND_LEASE_MS = 30_000;
const SEND_RENEW_MS = 10_000;
const BATCH = 50;

export interface DeliverSettings extends DigestSettings {
  retrySeconds: number;
  allowPrivateTargets?: boolean;
  /** BORELA_S3_*: the endpoint the restore commands name for managed replicas. */
  s3?: S3Settings | null;
}

export interface DeliveredAttempt {
  id: string;
  event: string;
  ok: boolean;
  detail: string;
  /**
   * "sent" | "pending" | "failed"; "taken over" when the attempt outlasted its lease and another process
   * holds the row now; "left for a peer" when this core cannot send it (reported once per row).
   */
  status: string;
}

function orderOf(dedupeKey: string): number {
  const key = parseDeliveryKey(dedupeKey);
  return key ? messageOrder(key.event, key.seq) : 0;
}

export type DeliveryRow = Awaited<ReturnType<Store["delivery"]["findFirstOrThrow"]>>;

/**
 * One pass: every due delivery gets one attempt under a lease. A delivery this core cannot send (no SMTP,
 * no digest recipients, not the key that sealed its channel) is released untouched and left to a peer for
 * NOT_HERE_MS (status "left for a peer", reported once per row); a digest nobody sent in its week is failed.
 */
export async function deliverPending(store: Store, secretKey: Buffer, settings: DeliverSettings, now: () => Date, notHere: NotHere = new Map()): Promise<DeliveredAttempt[]> {
  const at = now();
  if (notHere.size > NOT_HERE_MAX) notHere.clear();
  const skipped = [...notHere.values()].filter((until) => until > at.getTime()).length;
  const rows = await store.delivery.findMany({
    // A paused project's deliveries wait for its window to end (pause.ts), those claimed before it too.
    where: { status: { in: ["pending", "sending"] }, nextAttemptAt: { lte: at }, OR: [{ incidentId: null }, { incident: { project: { OR: [{ pausedUntil: null }, { pausedUntil: { lte: at } }] } } }] },
    orderBy: { id: "asc" },
    // Rows left for a peer still come first by id: read past them.
    take: BATCH + Math.min(skipped, 1_000),
  });
  rows.sort((a, b) => orderOf(a.dedupeKey) - orderOf(b.dedupeKey));
  const members = await membersOf(store, rows);
  const done: DeliveredAttempt[] = [];
  const taken = new Set<string>();
  for (const d of rows) {
    if (taken.has(d.id) || (notHere.get(d.id) ?? 0) > now().getTime()) continue;
    if (d.event === "digest" && digestExpired(d.dedupeKey.slice("digest:".length), d.createdAt, at)) {
      if (await expireDigest(store, d)) done.push({ id: d.id, event: d.event, ok: false, detail: DIGEST_EXPIRED, status: "failed" });
      continue;
    }
    const stored = readMessage(d.message);
    // A row another row's message tells is sent, retried and settled with that row while it is unsent.
    if (stored && !isFrozen(stored) && (await leadUnsent(store, stored.coveredBy))) continue;
    if (await waitsForEarlier(store, d)) continue;
    const stored0 = isFrozen(stored) ? stored : null;
    // After the receiver refused the stored message it holds nothing under its identity: the message may be
    // composed anew (a catch-up now, say), under an identity of its own. Otherwise it is re-sent as stored.
    const refused = stored0 !== null && d.lastError !== null && !mayHaveArrived(d.lastError);
    const frozen = refused ? null : stored0;
    const catchUp = !frozen && (await isCatchUp(store, d));
    // Each lease starts when it is taken, not when the pass began: a pass of slow sends must not hand out
    // leases that have already run out (another core would send the same row at once).
    if (!(await leaseDelivery(store, d, now(), SEND_LEASE_MS))) continue;
    // A re-send carries exactly the rows its first attempt covered. A first attempt takes everything this
    // channel still owes about incidents that are already over, or the same news about other databases of
    // the project due in this pass (grouping.ts).
    const batch = frozen
      ? [d, ...(await leaseRows(store, frozen.cover, now(), SEND_LEASE_MS))]
      : catchUp
        ? [d, ...(await leaseCatchUp(store, d, now(), SEND_LEASE_MS))]
        : [d, ...(await leaseGroup(store, d, rows, members, taken, now()))];
    const mode: MessageMode = frozen?.mode ?? (catchUp ? "missed" : batch.length > 1 ? "group" : "one");
    // A refused message that would say the same again goes again as it was, under its identity.
    const message = frozen ?? (stored0 && samePlan(stored0, mode, batch.slice(1).map((b) => b.id)) ? stored0 : null);
    const identity = stored0 ? identityKey(d.dedupeKey, d.attempts + 1) : d.dedupeKey;
    for (const b of batch) taken.add(b.id);
    const held = batch.map((b) => ({ id: b.id, attempts: b.attempts + 1 }));
    const renewal = setInterval(() => void renewLeases(store, held, now(), SEND_LEASE_MS).catch(() => undefined), SEND_RENEW_MS);
    renewal.unref();
    let outcome: Sent;
    try {
      outcome = await attempt(store, secretKey, settings, { mode, batch, message, identity }, now());
    } finally {
      clearInterval(renewal);
    }
    if (outcome.elsewhere) {
      done.push(...(await release(store, batch, outcome.detail, notHere, now())));
      continue;
    }
    for (const b of batch) {
      const update = afterAttempt(b.attempts + 1, b.log, outcome, now(), settings.retrySeconds);
      // Recorded only while this process still holds the lease: a row another core took over is its to record.
      const { count } = await store.delivery.updateMany({ where: { id: b.id, status: "sending", attempts: b.attempts + 1 }, data: { ...update, ...usedData(secretKey, outcome.used, b.event) } });
      if (count === 0) {
        done.push({ id: b.id, event: b.event, ok: outcome.ok, detail: outcome.detail, status: "taken over" });
        continue;
      }
      countDelivery(outcome.ok);
      if (outcome.ok && b.incidentId) await markNotified(store, b.incidentId, update.sentAt);
      done.push({ id: b.id, event: b.event, ok: outcome.ok, detail: outcome.detail, status: update.status });
    }
  }
  return done;
}

/** Each due row's grouping facts (grouping.ts), its incident read once for the whole pass: one query, not one per pair of rows. */
async function membersOf(store: Store, rows: DeliveryRow[]): Promise<Map<string, GroupMember>> {
  const ids = [...new Set(rows.map((d) => d.incidentId).filter((id): id is string => !!id))];
  const incidents = new Map(
    (await store.incident.findMany({ where: { id: { in: ids } }, select: { id: true, projectId: true, databaseId: true, kind: true, resolvedAt: true } })).map((i) => [i.id, i]),
  );
  // A pager's resolve closes at the keys its own incident was raised at (pager-closes.ts): it goes alone.
  const raisedAtPager = new Set(
    (
      await store.delivery.findMany({
        where: { incidentId: { in: ids }, event: { in: ["opened", "reminder"] }, sealedTarget: { not: null }, channelId: { not: null } },
        select: { incidentId: true, channelId: true },
      })
    ).map((r) => `${r.incidentId}|${r.channelId}`),
  );
  const members = new Map<string, GroupMember>();
  for (const d of rows) {
    if (d.event === "resolved" && raisedAtPager.has(`${d.incidentId}|${d.channelId}`)) continue;
    const key = parseDeliveryKey(d.dedupeKey);
    const channel = deliveryChannel(d);
    const incident = d.incidentId ? incidents.get(d.incidentId) : undefined;
    if (!key || !channel || !incident) continue;
    const { projectId, databaseId, kind, resolvedAt } = incident;
    members.set(d.id, { channel, event: key.event, seq: key.seq, incident: { projectId, databaseId, kind, resolved: resolvedAt !== null } });
  }
  return members;
}

/** The other rows due in this pass that say the same news to the same channel about other databases of d's project, each leased. */
async function leaseGroup(store: Store, d: DeliveryRow, due: DeliveryRow[], members: Map<string, GroupMember>, taken: Set<string>, at: Date): Promise<DeliveryRow[]> {
  const mine = members.get(d.id);
  const key = mine && groupKey(mine);
  if (!key) return [];
  const leased: DeliveryRow[] = [];
  for (const other of due) {
    if (other.id === d.id || taken.has(other.id)) continue;
    const member = members.get(other.id);
    if (!member || groupKey(member) !== key) continue;
    if (await waitsForEarlier(store, other)) continue;
    if (await leaseDelivery(store, other, at, SEND_LEASE_MS)) leased.push(other);
  }
  return leased;
}

function senders(settings: DeliverSettings): Senders {
  return { smtpUrl: settings.smtpUrl, mailFrom: settings.mailFrom, timeoutMs: settings.timeoutMs, allowPrivateTargets: settings.allowPrivateTargets };
}

/** True while an earlier message to the same channel about the same incident is still unsent. */
async function waitsForEarlier(store: Store, d: DeliveryRow): Promise<boolean> {
  const key = parseDeliveryKey(d.dedupeKey);
  if (!d.incidentId || !key) return false;
  // The same channel: the same channel row, or (no row) alert-email recipients with an address in common.
  const siblings = (
    await store.delivery.findMany({
      where: { incidentId: d.incidentId, id: { not: d.id }, status: { in: ["pending", "sending"] }, channelId: d.channelId },
      select: { dedupeKey: true, channelId: true, target: true },
    })
  ).filter((s) => sameRecipients(s, d));
  const mine = messageOrder(key.event, key.seq);
  return siblings.some((s) => {
    const k = parseDeliveryKey(s.dedupeKey);
    return k !== null && messageOrder(k.event, k.seq) < mine;
  });
}

/** What one attempt sends: the rows it tells (the first leads), the stored message to re-send or null to compose one, under `identity`. */
interface Planned {
  mode: MessageMode;
  batch: DeliveryRow[];
  message: FrozenMessage | null;
  identity: string;
}

/**
 * One attempt at the message `plan.batch` makes: the stored one, or one composed as of `at` and stored
 * (frozen) before it is sent.
 */
async function attempt(store: Store, secretKey: Buffer, settings: DeliverSettings, plan: Planned, at: Date): Promise<Sent> {
  const { mode, batch, identity } = plan;
  const d = batch[0];
  let used: Channel[] | undefined;
  try {
    if (d.event === "digest") {
      return { ok: true, detail: await sendDigest(store, settings, d.dedupeKey.slice("digest:".length), at) };
    }
    used = mode === "one" ? await closeTargets(store, secretKey, d) : [await channelOfDelivery(store, secretKey, d)];
    let message = plan.message;
    if (!message) {
      message = { mode, context: await composeMessage(store, settings, mode, batch, at), cover: batch.slice(1).map((b) => b.id), identity };
      if (!(await freeze(store, d, message))) return { ok: false, detail: "the lease was lost before sending", used };
    }
    const answers: string[] = [];
    for (const channel of used) answers.push(await send({ ...channel, deliveryKey: message.identity }, message.context, senders(settings)));
    return { ok: true, detail: messageDetail(mode, message.context, answers.join("; ")), used };
  } catch (err) {
    return { ok: false, detail: (err as Error).message, permanent: err instanceof PermanentDeliveryError, elsewhere: err instanceof NotSendableHereError, used };
  }
}

/**
 * Where d goes: a close bound when its channel was deleted, to where it was raised; a resolve of a pager
 * alert, to each target it was raised at on this channel (pager-closes.ts), whatever the channel points
 * at now; anything else, the channel as it is.
 */
async function closeTargets(store: Store, secretKey: Buffer, d: DeliveryRow): Promise<Channel[]> {
  const bound = boundChannel(secretKey, d);
  if (bound) return [bound];
  const channel = await channelOfDelivery(store, secretKey, d);
  if (d.event !== "resolved" || !d.channelId || !d.incidentId) return [channel];
  const raised = await raisedTargets(store, secretKey, d.incidentId, d.channelId);
  return raised.length > 0 ? raised.map((r) => ({ id: channel.id, type: r.type, target: r.target, secret: null })) : [channel];
}
