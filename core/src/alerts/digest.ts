// The weekly digest: every project's freshness, last drill, RTO/RPO and
// storage growth in one email — the boring weekly loop in one message.
import nodemailer from "nodemailer";
import type { Config } from "../config.ts";
import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { Prisma } from "../generated/prisma/client.ts";
import { formatBytes } from "../drills/disk.ts";
import { formatDuration } from "../freshness/status.ts";
import { dueFire } from "../drills/schedule.ts";

const WEEK_MS = 7 * 86_400_000;

export interface DigestRow {
  name: string;
  status: string;
  lastDrill: string;
  rto: string;
  rpo: string;
  storage: string;
}

export async function digestRows(store: Store, now = new Date()): Promise<DigestRow[]> {
  const projects = await store.project.findMany({ orderBy: { name: "asc" }, include: { databases: { include: { replicas: true } } } });
  const rows: DigestRow[] = [];
  for (const p of projects) {
    const drill = await store.drill.findFirst({ where: { projectId: p.id, status: { in: ["passed", "failed", "error"] } }, orderBy: { finishedAt: "desc" } });
    const report = drill?.report ? (JSON.parse(drill.report) as { restoreSeconds?: number | null; rpoSeconds?: number | null }) : null;
    const storageNow = p.databases.flatMap((d) => d.replicas).reduce((s, r) => s + Number(r.storageBytes), 0);
    const weekAgo = await store.heartbeat.findFirst({ where: { projectId: p.id, receivedAt: { gte: new Date(now.getTime() - WEEK_MS) } }, orderBy: { receivedAt: "asc" } });
    const growth = weekAgo ? storageNow - Number(weekAgo.storageBytes) : null;
    rows.push({
      name: p.name,
      status: p.status,
      lastDrill: drill ? `${drill.status} ${formatDuration((now.getTime() - (drill.finishedAt ?? drill.queuedAt).getTime()) / 1000)} ago` : "never drilled",
      rto: report?.restoreSeconds != null ? `${report.restoreSeconds.toFixed(1)}s` : "-",
      rpo: report?.rpoSeconds != null ? `${Math.round(report.rpoSeconds)}s` : "-",
      storage: `${formatBytes(storageNow)}${growth !== null ? ` (${growth >= 0 ? "+" : "-"}${formatBytes(Math.abs(growth))} this week)` : ""}`,
    });
  }
  return rows;
}

export function renderDigest(rows: DigestRow[], publicUrl: string) {
  const failing = rows.filter((r) => r.status !== "fresh" || !r.lastDrill.startsWith("passed")).length;
  const subject = `[Borela] Weekly digest: ${rows.length} project(s), ${failing ? `${failing} need attention` : "all fresh and drilled"}`;
  const header = ["project", "status", "last drill", "RTO", "RPO", "storage"];
  const table = [header, ...rows.map((r) => [r.name, r.status, r.lastDrill, r.rto, r.rpo, r.storage])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const text = `${table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n")}\n\nDashboard: ${publicUrl}/\n`;
  const esc = (s: string) => s.replace(/[&<>]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;" })[c]!);
  const html = `<table border="1" cellpadding="4">${table.map((row, i) => `<tr>${row.map((c) => (i ? `<td>${esc(c)}</td>` : `<th>${esc(c)}</th>`)).join("")}</tr>`).join("")}</table><p><a href="${esc(publicUrl)}/">Open the dashboard</a></p>`;
  return { subject, text, html };
}

/** Sends the digest to the operator's recipients; the dedupe key makes a second call for the same week a no-op. */
export async function sendDigest(store: Store, config: Config, key: string, now = new Date()): Promise<boolean> {
  if (config.alertEmail.length === 0 || !config.smtpUrl) return false;
  try {
    await store.delivery.create({ data: { id: newId(), event: "digest", dedupeKey: `digest:${key}`, status: "sending", attempts: 1 } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") return false;
    throw err;
  }
  const { subject, text, html } = renderDigest(await digestRows(store, now), config.publicUrl);
  const transport = nodemailer.createTransport(config.smtpUrl);
  try {
    const info = await transport.sendMail({ from: config.mailFrom, to: config.alertEmail.join(","), subject, text, html });
    await store.delivery.updateMany({ where: { dedupeKey: `digest:${key}` }, data: { status: "sent", sentAt: new Date(), log: JSON.stringify([{ at: new Date().toISOString(), ok: true, detail: info.response }]) } });
    return true;
  } catch (err) {
    // Released so the next tick tries again.
    await store.delivery.deleteMany({ where: { dedupeKey: `digest:${key}` } });
    throw err;
  } finally {
    transport.close();
  }
}

export async function digestTick(store: Store, config: Config, now = new Date()): Promise<boolean> {
  const row = await store.setting.findUnique({ where: { key: "digest:last" } });
  const fire = dueFire(config.digestCron, row ? new Date(row.value) : null, now);
  if (!fire) return false;
  await store.setting.upsert({ where: { key: "digest:last" }, create: { key: "digest:last", value: fire.toISOString() }, update: { value: fire.toISOString() } });
  if (!row) return false; // first look: the next fire sends
  return sendDigest(store, config, fire.toISOString(), now);
}
