// "Will someone hear?": where a project's alerts go, and a warning in words
// when nobody would hear (no channel at all, only email without SMTP, or a
// channel whose latest attempts are failing), and while the project is paused,
// that alerts are held until the window ends. Pure: the recipients come from
// alerts/recipients.ts, their failing streaks from alerts/channel-health.ts.
import { streakWords, type FailingStreak } from "../alerts/channel-health.ts";
import { displayTarget } from "../alerts/channels/registry.ts";

export interface AlertingView {
  /** Each place alerts go: an AlertChannel row, the project's alert emails, or BORELA_ALERT_EMAIL; target in its display form (no secret). */
  channels: { type: string; target: string; source: "project" | "operator" | "project emails" | "BORELA_ALERT_EMAIL"; failing: FailingStreak | null }[];
  /** Whether BORELA_SMTP_URL is set (email can be sent at all). */
  emailConfigured: boolean;
  /** null when alerts can reach someone now (not paused). */
  warning: string | null;
}

export function alertingView(
  recipients: { id: string | null; type: string; target: string; projectId?: string | null; failing?: FailingStreak | null }[],
  projectEmails: string[],
  smtpConfigured: boolean,
  /** The pause in words (words/pause.ts pausedWords: "paused until 14:00 UTC: migrating") while paused; null otherwise. */
  paused: string | null = null,
): AlertingView {
  const channels = recipients.map((r) => ({
    type: r.type,
    target: displayTarget(r.type, r.target),
    source: r.id ? (r.projectId ? ("project" as const) : ("operator" as const)) : projectEmails.length ? ("project emails" as const) : ("BORELA_ALERT_EMAIL" as const),
    failing: r.failing ?? null,
  }));
  const emails = channels.filter((c) => c.type === "email");
  const others = channels.length - emails.length;
  let warning: string | null = null;
  if (channels.length === 0) {
    warning = "No alert channel: nobody hears when this project's backup fails. Add one in the project settings, or set BORELA_ALERT_EMAIL.";
  } else if (emails.length > 0 && !smtpConfigured) {
    warning =
      others === 0
        ? "Alerts go only to email, but no SMTP server is configured (BORELA_SMTP_URL): nobody hears when this project's backup fails."
        : "Alert emails are not sent: no SMTP server is configured (BORELA_SMTP_URL). The other channels still hear.";
  }
  // Email without SMTP is already told above; a failing channel hears nothing until it answers again.
  const failing = channels.filter((c) => c.failing && !(c.type === "email" && !smtpConfigured));
  if (failing.length > 0) {
    const name = (c: (typeof channels)[number]) => (channels.length > 1 ? `${c.type} ${c.target}` : c.type);
    const words = failing.map((c) => `${name(c)}: ${streakWords(c.failing!)}`).join("; ");
    const nobody = failing.length === channels.length ? " Nobody hears until it answers again." : "";
    warning = [warning, `${words}.${nobody}`].filter(Boolean).join(" ");
  }
  if (paused) warning = [`${paused} — alerts are held until then.`, warning].filter(Boolean).join(" ");
  return { channels, emailConfigured: smtpConfigured, warning };
}
