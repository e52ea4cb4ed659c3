// One SMTP server per test file: started before the first test, closed after the last; after each test it is
// up again (a test may have stopped it) and holds no message, so each test reads only what it sent.
import { afterAll, afterEach, beforeAll } from "vitest";
import { lazy } from "./lazy.ts";
import { startSmtp, type SmtpSink } from "./smtp.ts";

/** Registers the hooks of a startSmtp() sink; returns it, usable from the first hook on. */
export function useSmtp(): SmtpSink {
  let smtp: SmtpSink | null = null;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(async () => {
    await smtp?.close();
  });
  afterEach(async () => {
    await smtp?.restart();
    smtp?.messages.splice(0);
    smtp?.envelopes.splice(0);
  });
  return lazy("the SMTP server", () => smtp);
}
