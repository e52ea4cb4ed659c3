// Who hears about a project: its own channels and alert emails, then the
// operator's channels (projectId null) and BORELA_ALERT_EMAIL when it has no
// email of its own.
import type { Store } from "../store/db.ts";
import { decryptSecret } from "../store/secrets.ts";
import type { Channel, ChannelType } from "./channels.ts";

export async function recipients(store: Store, secretKey: Buffer, projectId: string, operatorEmails: string[]): Promise<Channel[]> {
  const project = await store.project.findUnique({ where: { id: projectId }, select: { alertEmails: true } });
  const rows = await store.alertChannel.findMany({ where: { OR: [{ projectId }, { projectId: null }] }, orderBy: { createdAt: "asc" } });
  const channels: Channel[] = rows.map((r) => ({
    id: r.id,
    type: r.type as ChannelType,
    target: r.target,
    secret: r.secretEnc ? decryptSecret(secretKey, r.secretEnc) : null,
  }));
  const hasProjectEmail = rows.some((r) => r.projectId === projectId && r.type === "email");
  const emails = project?.alertEmails ? project.alertEmails.split(",").filter(Boolean) : [];
  if (emails.length > 0) channels.push({ id: null, type: "email", target: emails.join(","), secret: null });
  else if (!hasProjectEmail && operatorEmails.length > 0) channels.push({ id: null, type: "email", target: operatorEmails.join(","), secret: null });
  return channels;
}

/** Stable name of a channel inside a dedupe key. */
export function channelKey(c: Channel): string {
  return c.id ?? `${c.type}:${c.target}`;
}
