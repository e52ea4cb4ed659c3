// A real SMTP server on loopback (smtp-server) that parses every message it
// receives (mailparser). stop()/restart() close and reopen the same port, to
// play "SMTP down, then back". With `auth`, only that user and password get in.
import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { freePort } from "./ports.ts";

export interface SmtpSink {
  url: string;
  port: number;
  messages: ParsedMail[];
  /** Envelope recipients per message (RCPT TO), in arrival order. */
  envelopes: string[][];
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Aliases of stop() and restart(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startSmtp(options: { auth?: { user: string; pass: string } } = {}): Promise<SmtpSink> {
  const port = await freePort();
  const messages: ParsedMail[] = [];
  const envelopes: string[][] = [];
  let server: SMTPServer | null = null;

  async function restart(): Promise<void> {
    if (server) return;
    const s = new SMTPServer({
      authOptional: !options.auth,
      allowInsecureAuth: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onAuth(auth, _session, callback) {
        if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass) return callback(null, { user: auth.username });
        callback(new Error("535 Authentication failed"));
      },
      onData(stream, session, callback) {
        simpleParser(stream)
          .then((mail) => {
            messages.push(mail);
            envelopes.push(session.envelope.rcptTo.map((r) => r.address));
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => resolve());
    });
    server = s;
  }

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  await restart();
  const url = options.auth ? `smtp://${encodeURIComponent(options.auth.user)}:${encodeURIComponent(options.auth.pass)}@127.0.0.1:${port}` : `smtp://127.0.0.1:${port}`;
  return { url, port, messages, envelopes, stop, restart, down: stop, up: restart, close: stop };
}
