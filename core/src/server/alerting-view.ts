// "Will someone hear?": where a project's alerts go, and a warning in words
// when nobody would hear (no channel at all, or only email without SMTP).
// Pure: the recipients come from alerts/recipients.ts.

export interface AlertingView {
  /** Each place alerts go: an AlertChannel row, the project's alert emails, or BORELA_ALERT_EMAIL. */
  channels: { type: string; target: string; source: "project" | "operator" | "project emails" | "BORELA_ALERT_EMAIL" }[];
  /** Whether BORELA_SMTP_URL is set (email can be sent at all). */
  emailConfigured: boolean;
  /** null when alerts can reach someone. */
  warning: string | null;
}

export function alertingView(
  recipients: { id: string | null; type: string; target: string; projectId?: string | null }[],
  projectEmails: string[],
  smtpConfigured: boolean,
): AlertingView {
  const channels = recipients.map((r) => ({
    type: r.type,
    target: r.target,
    source: r.id ? (r.projectId ? ("project" as const) : ("operator" as const)) : projectEmails.length ? ("project emails" as const) : ("BORELA_ALERT_EMAIL" as const),
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
  return { channels, emailConfigured: smtpConfigured, warning };
}
