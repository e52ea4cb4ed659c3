// Email over SMTP through nodemailer (BORELA_SMTP_URL). Resolves with the
// server's answer for the delivery log; throws with what failed. The SMTP
// password never appears in either.
import nodemailer from "nodemailer";
import { withoutSecrets } from "../redact.ts";
import { NotSendableHereError } from "./errors.ts";

export interface SmtpSettings {
  smtpUrl: string | null;
  mailFrom: string;
  /** Per stage: connecting, greeting, and socket inactivity. */
  timeoutMs?: number;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** "<id@domain>"; nodemailer makes a random one when absent. */
  messageId?: string;
}

export async function sendEmail(smtp: SmtpSettings, mail: Mail): Promise<string> {
  if (!smtp.smtpUrl) throw new NotSendableHereError(`cannot email ${mail.to}: no SMTP server configured (set BORELA_SMTP_URL)`);
  const timeout = smtp.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({ url: smtp.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  try {
    const info = await transport.sendMail({ from: smtp.mailFrom, ...mail });
    const rejected = info.rejected.map(String);
    if (rejected.length > 0 && info.accepted.length === 0) throw new Error(`SMTP server ${smtpHost(smtp.smtpUrl)} rejected every recipient: ${rejected.join(", ")}`);
    return redact(`SMTP ${smtpHost(smtp.smtpUrl)} accepted for ${info.accepted.map(String).join(", ")}${rejected.length ? ` (rejected ${rejected.join(", ")})` : ""}: ${info.response}`, smtp.smtpUrl);
  } catch (err) {
    throw new Error(redact(`SMTP ${smtpHost(smtp.smtpUrl)} failed: ${(err as Error).message}`, smtp.smtpUrl));
  } finally {
    transport.close();
  }
}

function smtpHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(unparsable BORELA_SMTP_URL)";
  }
}

/** Removes the SMTP password (raw and URL-decoded) from a message. */
export function redact(text: string, smtpUrl: string): string {
  try {
    return withoutSecrets(text, [new URL(smtpUrl).password]);
  } catch {
    return text;
  }
}
