// Webhook bodies: Borela's own JSON, Slack-compatible {text, blocks} and
// Discord-compatible {content, embeds}. Lengths stay within what Slack
// (3000 per text block) and Discord (2000 content, 256 title, 4096
// description, 1024 per field) accept.
import { facts, stateLabel, subject, type AlertContext } from "./message.ts";

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export function webhookPayload(c: AlertContext) {
  return {
    event: c.event,
    kind: c.kind,
    state: stateLabel(c.kind),
    project: c.project,
    database: c.database,
    reason: c.reason,
    openedAt: c.openedAt.toISOString(),
    resolvedAt: c.resolvedAt?.toISOString() ?? null,
    lastBackupAt: c.lastBackupAt?.toISOString() ?? null,
    lastPassingDrillAt: c.lastPassingDrillAt?.toISOString() ?? null,
    restoreCommands: c.restoreCommands,
    dashboardUrl: c.dashboardUrl,
    subject: subject(c),
  };
}

export function slackPayload(c: AlertContext) {
  const lines = facts(c).map(([k, v]) => `*${k}:* ${v}`);
  return {
    text: clip(subject(c), 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(subject(c), 150) } },
      { type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), 3000) } },
      { type: "section", text: { type: "mrkdwn", text: clip(c.restoreCommands.map((cmd) => `\`${cmd}\``).join("\n") || "no restore command known", 3000) } },
      { type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the dashboard" }, url: c.dashboardUrl }] },
    ],
  };
}

const DISCORD_COLOR = { resolved: 0x2e7d32, test: 0x1565c0, alert: 0xc62828 };

export function discordPayload(c: AlertContext) {
  const [, ...rest] = facts(c);
  return {
    content: clip(subject(c), 2000),
    embeds: [
      {
        title: clip(subject(c), 256),
        description: clip(c.reason, 4096),
        url: c.dashboardUrl,
        color: c.event === "resolved" ? DISCORD_COLOR.resolved : c.event === "test" ? DISCORD_COLOR.test : DISCORD_COLOR.alert,
        fields: [
          ...rest.map(([name, value]) => ({ name, value: clip(value, 1024) })),
          { name: "Restore", value: clip(c.restoreCommands.map((cmd) => `\`${cmd}\``).join("\n") || "no restore command known", 1024) },
        ],
      },
    ],
  };
}
