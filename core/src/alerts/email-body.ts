// An alert as an email: the plain-text and the HTML body of what message.ts
// words (headline, facts), with the restore commands and the dashboard link.
// Everything shown in HTML is escaped: names and reasons may come from an agent.
import { escapeHtml } from "../words/html.ts";
import { facts, headline, type AlertContext } from "./message.ts";
import { oneLine } from "./channels/text.ts";

export function textBody(c: AlertContext): string {
  const restore = c.restoreCommands.length > 0 ? ["To restore the latest backup:", ...c.restoreCommands.map((cmd) => `  ${cmd}`), ""] : [];
  const rows = c.event === "summary" ? facts(c).slice(1).map(([k, v]) => `- ${k}: ${v}`) : facts(c).map(([k, v]) => `${k}: ${v}`);
  return [oneLine(headline(c)), "", ...rows, "", ...restore, `Dashboard: ${c.dashboardUrl}`, ""].join("\n");
}

export function htmlBody(c: AlertContext): string {
  const shown = c.event === "summary" ? facts(c).slice(1) : facts(c);
  const rows = shown.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`);
  const commands = c.restoreCommands.map((cmd) => `<pre style="background:#f4f4f4;padding:8px">${escapeHtml(cmd)}</pre>`);
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif">
<h2>${escapeHtml(headline(c))}</h2>
<table cellpadding="4">${rows.join("")}</table>
${commands.length > 0 ? `<p>To restore the latest backup:</p>\n${commands.join("\n")}` : ""}
<p><a href="${escapeHtml(c.dashboardUrl)}">Open the dashboard</a></p>
</body></html>`;
}
