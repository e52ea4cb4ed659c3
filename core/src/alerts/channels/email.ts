// Email: the plain-text and HTML bodies of email-body.ts, sent over SMTP (../email.ts).
import { sendEmail } from "../email.ts";
import { htmlBody, textBody } from "../email-body.ts";
import { subject } from "../message.ts";
import { ChannelFieldError, type Provider } from "./provider.ts";
import { oneLine } from "./text.ts";
import { deliveryMessageId } from "./delivery-identity.ts";

const EMAIL = /^[^\s@,<>]+@[^\s@,<>]+$/;

export const email: Provider = {
  targetHelp: "Email addresses, comma-separated; needs BORELA_SMTP_URL.",
  secret: null,
  resolves: "notice",
  display: (target) => target,
  checkTarget(target) {
    const addresses = target.split(",").map((a) => a.trim()).filter(Boolean);
    const bad = addresses.find((a) => !EMAIL.test(a));
    if (addresses.length === 0 || bad !== undefined) throw new ChannelFieldError(`target ${JSON.stringify(bad ?? target)} is not an email address`);
    return addresses.join(",");
  },
  render: (c) => ({ subject: oneLine(subject(c)), text: textBody(c), html: htmlBody(c) }),
  // One Message-ID per delivery: a mail client or list shows a resend after a crash as the same message.
  send: (channel, c, senders) =>
    sendEmail(senders, {
      to: channel.target,
      subject: oneLine(subject(c)),
      text: textBody(c),
      html: htmlBody(c),
      ...(channel.deliveryKey ? { messageId: deliveryMessageId(channel.deliveryKey, senders.mailFrom) } : {}),
    }),
};
