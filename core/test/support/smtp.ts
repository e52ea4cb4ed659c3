// A real SMTP server on loopback (smtp-server) that parses every message it
// receives (mailparser). down()/up() close and reopen the same port.
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { freePort } from "./ports.ts";

export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<SmtpSink> {
  const port = await freePort();
  const messages: ParsedMail[] = [];
  let server: SMTPServer | null = null;

  async function up(): Promise<void> {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            messages.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once("error", reject);
      server!.listen(port, "127.0.0.1", () => resolve());
    });
  }

  async function down(): Promise<void> {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await up();
  return { url: `smtp://127.0.0.1:${port}`, port, messages, up, down, close: down };
}
