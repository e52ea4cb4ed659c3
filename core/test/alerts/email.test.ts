// Email alerts end to end over a real SMTP server on loopback: one message
// per transition, reminders at cadence, the confirmation delay, two core
// processes on one store, SMTP down then back, bounded retries.
import { afterEach, describe, expect, it } from "vitest";
import { useSmtp } from "../support/use-smtp.ts";
import { startSmtp } from "../support/smtp.ts";
import { waitFor } from "../support/wait-for.ts";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { newId } from "../../src/store/ids.ts";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/alerts/decisions.ts";
import { parseConfirmDelays } from "../../src/alerts/confirm-delay.ts";
import { alertConfig, clock, deliveriesOf, dispatcher, open, resolve, seedProject, tempStore, type TestStore } from "./fixtures.ts";

const T0 = new Date("2026-11-03T09:00:00Z");
const HOUR = 3600;

const smtp = useSmtp();
let db: TestStore;
afterEach(async () => {
  await db?.close();
});

/** Another core process over the same data dir; go(at) makes its dispatcher tick a few times at that instant. */
async function startDispatcherProcess(dataDir: string, smtpUrl: string, alertEmail: string, ticks: number) {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const script = fileURLToPath(new URL("./dispatcher-process.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", tsx, script, dataDir, smtpUrl, alertEmail, String(ticks)], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  void exited.then(() => clearTimeout(killer));
  await waitFor(() => out.includes("ready\n") || child.exitCode !== null, { timeoutMs: 20_000, what: "the dispatcher process to open the store" });
  if (child.exitCode !== null) throw new Error(`dispatcher process exited with ${child.exitCode}: ${err}`);
  let answered = 0;
  return {
    async go(at: Date): Promise<string[]> {
      child.stdin.write(`go ${at.toISOString()}\n`);
      answered++;
      const lines = await waitFor(() => {
        const l = out.split("\n").filter((x) => x.startsWith("{"));
        return l.length >= answered ? l : null;
      }, { timeoutMs: 20_000, what: `the dispatcher process to tick (stderr: ${err})` });
      return (JSON.parse(lines[answered - 1]) as { sent: string[] }).sent;
    },
    async stop(): Promise<number | null> {
      child.stdin.end();
      return exited;
    },
  };
}

function mailsFor(project: string) {
  return smtp.messages.filter((m) => m.subject?.includes(` ${project} `));
}

function envelopeOf(subject: string) {
  return smtp.envelopes[smtp.messages.findIndex((m) => m.subject === subject)];
}

describe("email alerts", () => {
  it("one email when an incident opens and one when it resolves, saying what, since when, and how to restore", async () => {
    db = await tempStore();
    const { store } = db;
    const lastBackup = new Date(T0.getTime() - 12 * 60_000);
    const shop = await seedProject(store, "shop", { lastWalAt: lastBackup });
    const drillAt = new Date(T0.getTime() - 2 * 86_400_000);
    await store.drill.create({ data: { id: newId(), projectId: shop.projectId, databaseId: shop.databaseId, status: "passed", queuedAt: drillAt, finishedAt: drillAt } });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com, oncall@example.com" }), c);
    const { incident } = await open(store, shop, "stale", "changes to primary unreplicated for 12 min (threshold 5 min); Litestream is not running", T0);

    await alerts.tick();
    await alerts.tick();
    expect(mailsFor("shop")).toHaveLength(1);
    const mail = mailsFor("shop")[0];
    // No heartbeat history here: the oldest unreplicated change is taken as the stale threshold (5 min) before it opened.
    expect(mail.subject).toBe("[Borela] STALE: shop / primary — changes unreplicated for 5 min");
    expect(envelopeOf(mail.subject!)).toEqual(["ops@example.com", "oncall@example.com"]);
    expect(mail.from?.value[0].address).toBe("borela@test.local");
    const text = mail.text!;
    expect(text.split("\n")[0]).toBe("shop: the backup of primary is stale: changes made since 2026-11-03 08:55:00 UTC (5 min ago) have not reached the replica.");
    expect(text).toContain("What happened: changes to primary unreplicated for 12 min (threshold 5 min); Litestream is not running");
    expect(text).toContain("Oldest unreplicated change: 2026-11-03 08:55:00 UTC (5 min ago)");
    expect(text).toContain("Last backup (newest upload to the replica): 2026-11-03 08:48:00 UTC (12 min ago)");
    expect(text).toContain("Last passing restore drill: 2026-11-01 09:00:00 UTC (2 days ago)");
    expect(text).toContain("  litestream restore -o /tmp/primary-restored.sqlite3 file:///backups/shop/primary");
    expect(text).toContain("  npx borela restore shop --database primary -o /tmp/primary-restored.sqlite3");
    expect(text).toContain(`Dashboard: https://borela.example.com/projects/${shop.projectId}`);
    expect(mail.html).toContain("litestream restore -o /tmp/primary-restored.sqlite3 file:///backups/shop/primary");
    expect(mail.html).toContain(`href="https://borela.example.com/projects/${shop.projectId}"`);

    c.advance(30 * 60);
    await resolve(store, shop, "stale", c.now());
    await alerts.tick();
    await alerts.tick();
    const mails = mailsFor("shop");
    expect(mails.map((m) => m.subject)).toEqual([mail.subject, "[Borela] RESOLVED: shop / primary — replica caught up after 35 min unreplicated"]);
    expect(mails[1].text).toContain("shop: the backup of primary caught up: changes had waited 35 min to reach the replica.");
    expect(mails[1].text).toContain("Replica caught up: 2026-11-03 09:30:00 UTC (lasted 35 min)");
    const deliveries = await deliveriesOf(store, incident.id);
    expect(deliveries.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ["opened", "sent", 1],
      ["resolved", "sent", 1],
    ]);
  });

  it("never sends twice from two dispatchers sharing one store", async () => {
    db = await tempStore();
    const twice = await seedProject(db.store, "twice");
    const c = clock(T0);
    const config = alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" });
    const [a, b] = [dispatcher(db.store, config, c), dispatcher(db.store, config, c)];
    await open(db.store, twice, "error", "database file missing at /data/primary.sqlite3", T0);
    await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
    c.advance(90);
    await resolve(db.store, twice, "error", c.now());
    await Promise.all([a.tick(), b.tick(), b.tick(), a.tick()]);
    await Promise.all([a.tick(), b.tick()]);
    expect(mailsFor("twice").map((m) => m.subject)).toEqual([
      "[Borela] ERROR: twice / primary — database file missing at /data/primary.sqlite3",
      "[Borela] RESOLVED: twice / primary — no longer in error, after 90s",
    ]);
  });

  it("never sends twice from three core processes on the same database, one transition after another", async () => {
    db = await tempStore();
    const procs = await seedProject(db.store, "procs");
    const c = clock(T0);
    const here = dispatcher(db.store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    const others = await Promise.all([0, 1].map(() => startDispatcherProcess(db.dir.path, smtp.url, "ops@example.com", 6)));
    try {
      // The processes tick at once; each reports what it sent.
      const race = async (withThisOne: boolean) => {
        const running = others.map((o) => o.go(c.now()));
        const mine: string[] = [];
        for (let i = 0; withThisOne && i < 6; i++) for (const d of await here.tick()) if (d.ok) mine.push(d.event);
        return [mine, ...(await Promise.all(running))].flat();
      };
      await open(db.store, procs, "error", "database file missing at /data/primary.sqlite3", T0);
      expect(await race(true)).toEqual(["opened"]);
      c.advance(300);
      await resolve(db.store, procs, "error", c.now());
      expect(await race(false)).toEqual(["resolved"]);
      c.advance(60);
      expect(await race(true)).toEqual([]);
      expect(mailsFor("procs").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] ERROR", "[Borela] RESOLVED"]);
    } finally {
      expect(await Promise.all(others.map((o) => o.stop()))).toEqual([0, 0]);
    }
  });

  it("reminds at the configured cadence while the incident stays open, and collapses missed reminders", async () => {
    db = await tempStore();
    const { store } = db;
    const nag = await seedProject(store, "nag", { alertEmails: "nag-owner@example.com" });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com", BORELA_ALERT_REMINDER_HOURS: "6" }), c);
    await open(store, nag, "silent", "no heartbeat for 10 min (grace 2 min): is the agent running?", T0);
    const subjects = async (advanceSeconds: number) => {
      c.advance(advanceSeconds);
      await alerts.tick();
      return mailsFor("nag").map((m) => m.subject!.split(":")[0]);
    };
    expect(await subjects(0)).toEqual(["[Borela] SILENT"]);
    expect(await subjects(5 * HOUR + 59 * 60)).toEqual(["[Borela] SILENT"]);
    expect(await subjects(60)).toEqual(["[Borela] SILENT", "[Borela] STILL SILENT"]);
    expect(await subjects(HOUR)).toHaveLength(2);
    expect(await subjects(5 * HOUR)).toHaveLength(3);
    // The core was down for a day: one reminder when it is back, not four.
    expect(await subjects(24 * HOUR)).toHaveLength(4);
    expect(await subjects(60)).toHaveLength(4);
    expect(mailsFor("nag")[1].subject).toBe("[Borela] STILL SILENT: nag / primary — no heartbeat for 6 h");
    expect(envelopeOf(mailsFor("nag")[1].subject!)).toEqual(["nag-owner@example.com"]);
    await resolve(store, nag, "silent", c.now());
    expect(await subjects(1)).toEqual(["[Borela] SILENT", "[Borela] STILL SILENT", "[Borela] STILL SILENT", "[Borela] STILL SILENT", "[Borela] RESOLVED"]);
  });

  it("an address added to the alert emails while an incident is open is told it opened; nobody is told anything twice as the list changes", async () => {
    db = await tempStore();
    const { store } = db;
    const grow = await seedProject(store, "grow", { alertEmails: "first@example.com" });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_REMINDER_HOURS: "6" }), c);
    await open(store, grow, "silent", "no heartbeat for 10 min (grace 2 min): is the agent running?", T0);
    await alerts.tick();
    const sent = () => mailsFor("grow").map((m) => [m.subject!.split(":")[0], envelopeOf(m.subject!)]);
    expect(sent()).toEqual([["[Borela] SILENT", ["first@example.com"]]]);

    await store.project.update({ where: { id: grow.projectId }, data: { alertEmails: "first@example.com,second@example.com" } });
    c.advance(60);
    await alerts.tick();
    await alerts.tick();
    expect(mailsFor("grow").map((m) => m.subject!.split(":")[0])).toEqual(["[Borela] SILENT", "[Borela] SILENT"]);
    expect(smtp.envelopes.slice(-1)).toEqual([["second@example.com"]]);

    // Both heard it open: one reminder, one message to both.
    c.advance(6 * HOUR);
    await alerts.tick();
    expect(mailsFor("grow").map((m) => m.subject!.split(":")[0])).toEqual(["[Borela] SILENT", "[Borela] SILENT", "[Borela] STILL SILENT"]);
    expect(smtp.envelopes.slice(-1)).toEqual([["first@example.com", "second@example.com"]]);

    // The list reordered, then an address removed: nobody is told again what they were told.
    for (const list of ["second@example.com,first@example.com", "first@example.com"]) {
      await store.project.update({ where: { id: grow.projectId }, data: { alertEmails: list } });
      c.advance(60);
      await alerts.tick();
      await alerts.tick();
    }
    expect(mailsFor("grow")).toHaveLength(3);
    await resolve(store, grow, "silent", c.now());
    c.advance(1);
    await alerts.tick();
    expect(mailsFor("grow").map((m) => m.subject!.split(":")[0]).slice(3)).toEqual(["[Borela] RESOLVED"]);
    expect(smtp.envelopes.slice(-1)).toEqual([["first@example.com"]]);
  });

  it("waits out the confirmation delay: a flap shorter than it sends nothing, errors go at once", async () => {
    db = await tempStore();
    const { store } = db;
    const flap = await seedProject(store, "flap");
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com", BORELA_ALERT_CONFIRM_SECONDS: "60" }), c);
    const { incident } = await open(store, flap, "stale", "changes to primary unreplicated for 6 min", T0);
    for (let i = 0; i < 5; i++) {
      c.advance(10);
      await alerts.tick();
    }
    await resolve(store, flap, "stale", c.now());
    await alerts.tick();
    c.advance(120);
    await alerts.tick();
    expect(mailsFor("flap")).toHaveLength(0);
    expect(await deliveriesOf(store, incident.id)).toHaveLength(0);

    await open(store, flap, "error", "Litestream: access denied to the replica", c.now());
    await alerts.tick();
    expect(mailsFor("flap").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] ERROR"]);

    await open(store, flap, "stale", "changes to primary unreplicated for 6 min", c.now());
    c.advance(59);
    await alerts.tick();
    expect(mailsFor("flap")).toHaveLength(1);
    c.advance(1);
    await alerts.tick();
    expect(mailsFor("flap").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] ERROR", "[Borela] STALE"]);
  });

  it("an error that clears between two ticks is told once, as resolved and not announced while open", async () => {
    db = await tempStore();
    const { store } = db;
    const blip = await seedProject(store, "blip");
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await open(store, blip, "error", "database file /data/primary.sqlite3 was replaced", T0);
    c.advance(1);
    await resolve(store, blip, "error", c.now());
    await alerts.tick();
    await alerts.tick();
    expect(mailsFor("blip").map((m) => m.subject)).toEqual(["[Borela] RESOLVED: blip / primary — no longer in error, after 1s (not announced while open)"]);
    expect(mailsFor("blip")[0].text).toContain("What happened: database file /data/primary.sqlite3 was replaced");
  });

  it("takes a confirmation delay per kind", async () => {
    db = await tempStore();
    const { store } = db;
    const kinds = await seedProject(store, "kinds");
    const c = clock(T0);
    const config = { ...alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), alertConfirmSeconds: parseConfirmDelays("error=20,silent=40") };
    const alerts = dispatcher(store, config, c);
    await open(store, kinds, "error", "Litestream: access denied", T0);
    await open(store, kinds, "stale", "changes to primary unreplicated for 6 min", T0);
    await alerts.tick();
    expect(mailsFor("kinds").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] STALE"]);
    c.advance(20);
    await alerts.tick();
    expect(mailsFor("kinds").map((m) => m.subject?.split(":")[0])).toEqual(["[Borela] STALE", "[Borela] ERROR"]);
  });

  it("SMTP down, then back: retried, nothing lost, an incident that ended meanwhile told in one message, and the log shows each failure then the success", async () => {
    db = await tempStore();
    const { store } = db;
    const down = await seedProject(store, "smtpdown");
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await smtp.stop();
    const { incident } = await open(store, down, "error", "Litestream: InvalidAccessKeyId", T0);
    await alerts.tick();
    c.advance(1);
    await alerts.tick();
    c.advance(120);
    await resolve(store, down, "error", c.now());
    await alerts.tick();
    expect(mailsFor("smtpdown")).toHaveLength(0);
    let deliveries = await deliveriesOf(store, incident.id);
    expect(deliveries.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ["opened", "pending", 3],
      // Tried with the opening it answers, as one message, since the incident had ended.
      ["resolved", "pending", 1],
    ]);

    await smtp.restart();
    c.advance(10);
    await alerts.tick();
    // It was over before SMTP came back: one message says it opened and resolved, not two at once.
    expect(mailsFor("smtpdown").map((m) => m.subject)).toEqual(["[Borela] RESOLVED: smtpdown / primary — no longer in error, after 2 min 1s (not announced while open)"]);
    expect(mailsFor("smtpdown")[0].text).toContain("What happened: Litestream: InvalidAccessKeyId");
    deliveries = await deliveriesOf(store, incident.id);
    expect(deliveries.map((d) => [d.event, d.status, d.attempts])).toEqual([
      ["opened", "sent", 4],
      ["resolved", "sent", 2],
    ]);
    expect(deliveries[0].log.map((l) => [l.attempt, l.ok])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(deliveries[0].log[0].detail).toMatch(/^SMTP 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/);
    expect(deliveries[0].log[3].detail).toMatch(/^SMTP 127\.0\.0\.1:\d+ accepted for ops@example.com: 250/);
    await alerts.tick();
    expect(mailsFor("smtpdown")).toHaveLength(1);
  });

  it("an address added to the alert emails after an incident ended is not told of it; the list told of it is not told again", async () => {
    db = await tempStore();
    const { store } = db;
    const after = await seedProject(store, "addedafter", { alertEmails: "a@example.com" });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c);
    await open(store, after, "error", "Litestream: InvalidAccessKeyId", T0);
    await alerts.tick();
    c.advance(300);
    await resolve(store, after, "error", c.now());
    await alerts.tick();
    expect(mailsFor("addedafter").map((m) => m.subject!.split(":")[0])).toEqual(["[Borela] ERROR", "[Borela] RESOLVED"]);
    c.advance(HOUR);
    await store.project.update({ where: { id: after.projectId }, data: { alertEmails: "a@example.com,late@example.com" } });
    await alerts.tick();
    await alerts.tick();
    expect(mailsFor("addedafter")).toHaveLength(2);
  });

  it("SMTP down while the alert emails change: an incident that ended meanwhile is one message per address, and no reminder overtakes its opening", async () => {
    db = await tempStore();
    const { store } = db;
    const moved = await seedProject(store, "listmoved", { alertEmails: "a@example.com,b@example.com" });
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url }), c);
    await smtp.stop();
    await open(store, moved, "error", "Litestream: InvalidAccessKeyId", T0);
    await alerts.tick();
    // Reordered and respelled while its opening waits for SMTP; then it ends.
    await store.project.update({ where: { id: moved.projectId }, data: { alertEmails: "B@example.com,a@example.com" } });
    c.advance(120);
    await resolve(store, moved, "error", c.now());
    await alerts.tick();
    await smtp.restart();
    for (let i = 0; i < 4; i++) {
      c.advance(600);
      await alerts.tick();
    }
    expect(mailsFor("listmoved").map((m) => m.subject)).toEqual(["[Borela] RESOLVED: listmoved / primary — no longer in error, after 2 min (not announced while open)"]);

    // An address added while an opening waits in backoff: the others' reminder waits for it.
    const late = await seedProject(store, "listgrew", { alertEmails: "a@example.com" });
    const hourly = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_REMINDER_HOURS: "1", BORELA_ALERT_RETRY_SECONDS: "600" }), c);
    const start = c.now();
    await smtp.stop();
    await open(store, late, "error", "Litestream: InvalidAccessKeyId", start);
    for (const minutes of [0, 30, 21]) {
      c.advance(minutes * 60);
      await hourly.tick();
    }
    await smtp.restart();
    await store.project.update({ where: { id: late.projectId }, data: { alertEmails: "a@example.com,b@example.com" } });
    for (const minutes of [1, 9, 30, 30]) {
      c.advance(minutes * 60);
      await hourly.tick();
    }
    // Subjects repeat (a's and b's openings): each message's envelope by its index.
    const toA = smtp.messages.flatMap((m, i) => (m.subject?.includes(" listgrew ") && smtp.envelopes[i].includes("a@example.com") ? [m.subject.split(":")[0]] : []));
    expect(toA).toEqual(["[Borela] ERROR", "[Borela] STILL IN ERROR", "[Borela] STILL IN ERROR"]);
  });

  it("gives up after a bounded number of attempts, with backoff between them", async () => {
    db = await tempStore();
    const { store } = db;
    const gone = await seedProject(store, "gone");
    const c = clock(T0);
    const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c);
    await smtp.stop();
    const { incident } = await open(store, gone, "error", "database file missing", T0);
    const attemptsSeen: number[] = [];
    for (let i = 0; i < MAX_DELIVERY_ATTEMPTS + 5; i++) {
      await alerts.tick();
      attemptsSeen.push((await deliveriesOf(store, incident.id))[0].attempts);
      c.advance(HOUR);
    }
    const [d] = await deliveriesOf(store, incident.id);
    expect(d).toMatchObject({ status: "failed", attempts: MAX_DELIVERY_ATTEMPTS });
    expect(d.log).toHaveLength(MAX_DELIVERY_ATTEMPTS);
    expect(attemptsSeen.at(-1)).toBe(MAX_DELIVERY_ATTEMPTS);
    expect(attemptsSeen.slice(0, MAX_DELIVERY_ATTEMPTS)).toEqual(Array.from({ length: MAX_DELIVERY_ATTEMPTS }, (_, i) => i + 1));
    // Backoff: right after the first failure, the next tick (same instant) does not try again.
    const { incident: second } = await open(store, gone, "stale", "changes unreplicated", c.now());
    await alerts.tick();
    await alerts.tick();
    expect((await deliveriesOf(store, second.id))[0].attempts).toBe(1);
  });

  it("plans no email while no SMTP server is configured; an incident still open then is announced once SMTP is set", async () => {
    db = await tempStore();
    const { store } = db;
    const nosmtp = await seedProject(store, "nosmtp");
    const c = clock(T0);
    const { incident } = await open(store, nosmtp, "error", "database file missing", T0);
    await dispatcher(store, alertConfig({ BORELA_ALERT_EMAIL: "ops@example.com" }), c).tick();
    expect(await deliveriesOf(store, incident.id)).toEqual([]);
    c.advance(3600);
    await dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtp.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c).tick();
    expect(mailsFor("nosmtp").map((m) => m.subject)).toEqual(["[Borela] ERROR: nosmtp / primary — database file missing"]);
    expect(mailsFor("nosmtp")[0].text).toContain("Since: 2026-11-03 09:00:00 UTC (60 min ago)");
  });
});

describe("SMTP credentials", () => {
  it("never show up in the delivery log or the logs, even when the login fails", async () => {
    const password = "pa55-w0rd/with:odd@chars";
    const authed = await startSmtp({ auth: { user: "borela", pass: password } });
    const wrong = authed.url.replace(encodeURIComponent(password), encodeURIComponent(`${password}-WRONG`));
    const logged: string[] = [];
    const logger = { info: (...a: unknown[]) => logged.push(JSON.stringify(a)), warn: (...a: unknown[]) => logged.push(JSON.stringify(a)), error: (...a: unknown[]) => logged.push(JSON.stringify(a)) };
    try {
      db = await tempStore();
      const { store } = db;
      const creds = await seedProject(store, "creds");
      const c = clock(T0);
      const { incident } = await open(store, creds, "error", "database file missing", T0);
      await dispatcher(store, alertConfig({ BORELA_SMTP_URL: wrong, BORELA_ALERT_EMAIL: "ops@example.com" }), c, logger).tick();
      const [failed] = await deliveriesOf(store, incident.id);
      expect(failed.lastError).toMatch(/535|Invalid login|[Aa]uthentication/);
      c.advance(5);
      await dispatcher(store, alertConfig({ BORELA_SMTP_URL: authed.url, BORELA_ALERT_EMAIL: "ops@example.com" }), c, logger).tick();
      expect(authed.messages.map((m) => m.subject)).toEqual(["[Borela] ERROR: creds / primary — database file missing"]);
      const everything = JSON.stringify(await store.delivery.findMany()) + logged.join("\n");
      expect(logged.length).toBeGreaterThan(1);
      for (const secret of [password, encodeURIComponent(password)]) expect(everything).not.toContain(secret);
    } finally {
      await authed.close();
    }
  });
});
