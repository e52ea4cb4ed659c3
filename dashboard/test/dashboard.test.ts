// The dashboard in real Chromium against a real core, a real `borela agent`
// process and real Litestream with a file replica of two databases: sign in,
// create a project, watch it turn fresh and get its first drill without a
// reload, read the four answers at the top of the project page, run a drill,
// see a failed drill and a stale backup where the project's health shows,
// revoke its token. Screenshots go to .artifacts/screenshots.
import { mkdirSync } from "node:fs";
import type { SmtpSink } from "../../core/test/support/smtp.ts";
import { startSmtp } from "../../core/test/support/smtp.ts";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { startWebhookReceiver, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { displayTarget } from "../../core/src/alerts/channels/registry.ts";
import { ensureDashboardBuilt } from "./support/build.ts";
import { launchBrowser, type TestBrowser } from "./support/browser.ts";
import { startAgentProcess, type AgentProcess } from "./support/agent-process.ts";
import { SAMPLE_COUNTS, createSampleDatabase, openWriter } from "./support/sample-db.ts";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const SHOTS = path.join(ROOT, ".artifacts", "screenshots");
const STALE_AFTER = 5;
const GRACE = 5;

let browser: TestBrowser;
let frozen: number | null = null;

beforeAll(async () => {
  await ensureDashboardBuilt();
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

const rowOf = (page: Page, project: string) => page.locator(`tr[data-project="${project}"]`);

describe("dashboard in Chromium: the whole loop", () => {
  let core: TestCore;
  let dir: TmpDir;
  let page: Page;
  let agent: AgentProcess | null = null;
  let writer: ReturnType<typeof openWriter> | null = null;
  let smtp: SmtpSink;
  let projectId = "";
  let agentToken = "";
  // Litestream gives the replica the mode of the database's directory, and the isolated drill reads it as nobody.
  const dataDir = () => path.join(dir.path, "data");
  const dbPath = () => path.join(dataDir(), "app.sqlite3");
  const jobsPath = () => path.join(dataDir(), "jobs.sqlite3");
  const replicaDir = () => path.join(dataDir(), "replica");

  beforeAll(async () => {
    smtp = await startSmtp();
    core = await startTestCore({
      BORELA_SWEEP_INTERVAL_SECONDS: "1",
      BORELA_LOG_LEVEL: "warn",
      BORELA_ALERT_CONFIRM_SECONDS: "0,stale=0,silent=0",
      BORELA_SMTP_URL: smtp.url,
    });
    dir = await tmpDir("borela-dashboard-e2e-");
    mkdirSync(dataDir(), { mode: 0o755 });
    createSampleDatabase(dbPath());
    createSampleDatabase(jobsPath());
    await browser.context.clearCookies();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    writer?.close();
    if (frozen) process.kill(frozen, "SIGCONT");
    await agent?.stop();
    await page?.close();
    await core?.close();
    await smtp?.close();
    await dir?.remove();
  });

  it("signs in with the admin token into an httpOnly, SameSite=Strict session", async () => {
    await page.goto(`${core.url}/`);
    const signIn = page.getByRole("region", { name: "Sign in to Borela" });
    await signIn.waitFor();
    await page.screenshot({ path: path.join(SHOTS, "sign-in.png"), fullPage: true });
    await signIn.getByLabel("Admin token").fill("bradm_wrong");
    await signIn.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => signIn.getByRole("alert").textContent()).toContain("wrong admin token");

    await signIn.getByLabel("Admin token").fill(core.adminToken);
    await signIn.getByLabel("Admin token").press("Enter");
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.getByRole("heading", { name: "Watch your first SQLite backup" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "overview-empty.png"), fullPage: true });

    const cookie = (await browser.context.cookies()).find((c) => c.name === "borela_session");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("borela_session");
  });

  it("creates a project and shows its agent token once, with the two lines to start the agent", async () => {
    await page.getByLabel("Project name").fill("shop");
    await page.getByRole("button", { name: "Create project" }).click();
    const start = page.getByRole("region", { name: "Agent token for shop" });
    await start.waitFor();
    agentToken = (await start.getByLabel("agent token", { exact: true }).textContent())!.trim();
    expect(agentToken).toMatch(/^bra_[A-Za-z0-9_-]{27}$/);
    const lines = (await start.getByLabel("agent start commands", { exact: true }).textContent())!.split("\n");
    expect(lines).toEqual([
      `export BORELA_AGENT_TOKEN=${agentToken}`,
      `npx borela agent --server ${core.url} --database /path/to/app.sqlite3 --replica-url file:///var/backups/shop`,
    ]);

    await expect.poll(() => rowOf(page, "shop").locator("[data-status]").first().textContent()).toBe("unknown");
    const projects = await core.api<{ id: string; name: string }[]>("GET", "/api/v1/projects");
    projectId = projects.body.find((p) => p.name === "shop")!.id;

    await page.getByRole("button", { name: "I have copied the token" }).click();
    expect(await page.getByLabel("agent token", { exact: true }).count()).toBe(0);
  });

  it("saves thresholds from the settings page", async () => {
    await rowOf(page, "shop").getByRole("link", { name: "shop" }).click();
    await page.locator("main").getByRole("link", { name: "Settings" }).first().click();
    await page.getByRole("heading", { name: "Settings of shop" }).waitFor();
    await page.getByLabel("Stale after (seconds)").fill(String(STALE_AFTER));
    await page.getByLabel("Heartbeat grace (seconds)").fill(String(GRACE));
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByRole("status").filter({ hasText: "Saved." }).first().waitFor();
    const saved = await core.api("GET", `/api/v1/projects/${projectId}`);
    expect(saved.body).toMatchObject({ staleAfterSeconds: STALE_AFTER, heartbeatGraceSeconds: GRACE });
    // Alert emails are entered in one place: the alert channels.
    expect(await page.getByLabel("Alert emails").count()).toBe(0);

    await page.getByRole("button", { name: "Add assertion" }).click();
    await page.getByLabel("Name").fill("has customers");
    await page.getByLabel("SQL").fill("SELECT count(*) FROM customers");
    await page.getByLabel("Comparison").selectOption(">=");
    await page.getByLabel("Value").fill("1");
    await page.getByRole("button", { name: "Save assertions" }).click();
    await expect
      .poll(async () => (await core.api("GET", `/api/v1/projects/${projectId}`)).body.assertions)
      .toEqual([{ name: "has customers", sql: "SELECT count(*) FROM customers", op: ">=", value: 1 }]);

    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll("input, select, textarea")]
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label"))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
  });

  it("turns fresh without a reload once the agent reports", async () => {
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    expect(await rowOf(page, "shop").locator("[data-status]").first().textContent()).toBe("unknown");

    agent = startAgentProcess({
      server: core.url,
      token: agentToken,
      database: `${dbPath()},${jobsPath()}`,
      replicaUrl: `file://${replicaDir()}`,
      dir: dir.path,
      args: ["--no-restart-litestream"],
    });
    await rowOf(page, "shop").locator('[data-status="fresh"]').first().waitFor({ timeout: 45_000 }).catch((err) => {
      throw new Error(`${(err as Error).message}\nagent output:\n${agent!.output().slice(-3000)}`);
    });
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect.poll(() => rowOf(page, "shop").locator('td[data-label="Last heartbeat"]').textContent()).toMatch(/just now|\d+ s ago/);
  });

  it("drills the new project on its own once it is fresh, and says so beside the status", async () => {
    const freshAt = Date.now();
    await rowOf(page, "shop").locator('[data-drill-status="passed"]').waitFor({ timeout: 60_000 }).catch(async (err) => {
      const drills = await core.api("GET", `/api/v1/projects/${projectId}/drills`);
      throw new Error(`${(err as Error).message}\ndrills: ${JSON.stringify(drills.body).slice(0, 3000)}`);
    });
    console.log(`first drills passed ${((Date.now() - freshAt) / 1000).toFixed(1)} s after the overview showed fresh`);
    expect(await rowOf(page, "shop").locator('td[data-label="Restore"]').textContent()).toBe("drill passed");
    // One first drill per database, none asked for.
    const drills = async () => ((await core.api("GET", `/api/v1/projects/${projectId}/drills`)).body as { database: string; trigger: string; status: string }[]).map((d) => `${d.database} ${d.trigger} ${d.status}`).sort();
    await expect.poll(drills, { timeout: 60_000 }).toEqual(["app first passed", "jobs first passed"]);
  });

  it("shows the database, its replica and the exact restore commands", async () => {
    await rowOf(page, "shop").getByRole("link", { name: "shop" }).click();
    const card = page.locator('[data-database="app"]');
    await card.waitFor();
    expect(await card.textContent()).toContain(dbPath());
    expect(await card.textContent()).toContain(`file://${replicaDir()}/app`);
    const litestream = await card.getByLabel("litestream restore command for app", { exact: true }).textContent();
    expect(litestream).toBe(`litestream restore -o /tmp/app-restored.sqlite3 file://${replicaDir()}/app`);
    expect(await card.getByLabel("borela restore command for app", { exact: true }).textContent()).toBe(`npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server ${core.config.publicUrl}`);
    await expect.poll(() => card.getByTestId("lag").textContent()).toBe("caught up");

    // Litestream's position in words, its short form and meaning on hover.
    const position = card.locator("dd .position").first();
    // The agent runs Litestream 0.5 by default: its position is a TXID.
    expect(await position.textContent()).toMatch(/^TXID [\d,]+$/);
    expect(await position.getAttribute("title")).toMatch(/^Litestream 0\.5 writes this as [0-9a-f]{16}\. A TXID numbers/);
  });

  it("answers the four questions at the top of the project page, in words with a mark each", async () => {
    const answer = (key: string) => page.locator(`[data-question="${key}"]`);
    await expect.poll(() => answer("restore").getAttribute("data-mark")).toBe("yes");
    expect(await answer("fresh").getAttribute("data-mark")).toBe("yes");
    expect(await page.getByTestId("answer-fresh").textContent()).toMatch(/^Yes: /);
    expect(await answer("fresh").textContent()).toMatch(/Last backup\s*(just now|\d+ s ago)/);
    expect(await page.getByTestId("answer-restore").textContent()).toMatch(/^Yes: the last drill restored (app|jobs) in [\d.]+ (ms|s)$/);
    expect(await page.getByTestId("rto").textContent()).toMatch(/^[\d.]+ (ms|s)$/);
    expect(await page.getByTestId("rpo").textContent()).toMatch(/^(no change lost|.+ of changes)$/);
    expect(await page.getByTestId("next-drill").textContent()).toMatch(/^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d\d:\d\d UTC \(in \d+ (min|h|days?)\)$/);
    expect(await page.getByTestId("schedule").textContent()).toMatch(/Next drill: \w{3} \d\d:\d\d UTC \(in .+\), schedule \d+ \d+ \* \* \d in UTC\./);
    expect(await answer("passed").getAttribute("data-mark")).toBe("yes");
    const passed = (await answer("passed").textContent())!;
    const total = SAMPLE_COUNTS.customers + SAMPLE_COUNTS.orders;
    expect(passed).toContain(`app: integrity_check ok, 2 tables, ${total} rows`);
    expect(passed).toContain(`jobs: integrity_check ok, 2 tables, ${total} rows`);
    // No channel yet: nobody would hear.
    expect(await answer("hear").getAttribute("data-mark")).toBe("no");
    expect(await answer("hear").textContent()).toContain("No alert channel: nobody hears");
    expect(await page.locator("main").getByRole("link", { name: /settings/i }).count()).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, "project-fresh.png"), fullPage: true });
  });

  it("runs a drill from the button and shows it pass with the source's row counts", async () => {
    await page.getByRole("button", { name: "Run drill now" }).click();
    const progress = page.locator(".drill-progress");
    // One drill per database, each followed live.
    await expect.poll(() => progress.locator('[data-status="passed"], [data-status="failed"], [data-status="error"]').count(), { timeout: 60_000 }).toBe(2);
    const text = (await progress.allTextContents()).join("\n");
    expect(text).toMatch(/app[\s\S]*jobs/);
    expect(text, text).toContain("passed");
    const total = SAMPLE_COUNTS.customers + SAMPLE_COUNTS.orders;
    expect(text).toContain(`2 tables, ${total.toLocaleString()} rows, integrity ok`);
    expect(text).toMatch(/restore/);

    const history = page.locator(".drills li").first();
    await history.locator('[data-status="passed"]').waitFor();
    await history.locator("summary").click();
    const counts = await history.locator("table").first().locator("tbody tr").evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent!.trim()).join(" ")),
    );
    expect(counts.sort()).toEqual([`customers ${SAMPLE_COUNTS.customers}`, `orders ${SAMPLE_COUNTS.orders}`]);
    const assertion = await history.locator("table").nth(1).locator("tbody tr").first().textContent();
    expect(assertion).toContain("has customers");
    expect(assertion).toContain(`>= 1${SAMPLE_COUNTS.customers}passed`);
    // One database per chart: two drills of app (first and this one), never the jobs drills beside them.
    await expect.poll(() => page.getByRole("img", { name: /Restore time \(RTO\) per drill of app\./ }).getAttribute("aria-label")).toMatch(/restore seconds: latest .+, 2 points$/);
    expect(await page.getByRole("img", { name: /Row counts per drill of app\./ }).count()).toBe(1);
    await page.getByLabel("Charts of database").selectOption("jobs");
    expect(await page.getByRole("img", { name: /Restore time \(RTO\) per drill of jobs\./ }).getAttribute("aria-label")).toMatch(/, 2 points$/);
    expect(await page.getByRole("img", { name: /Row counts per drill of jobs\./ }).count()).toBe(1);
    expect(await page.getByRole("img", { name: /of app\./ }).count()).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, "project.png"), fullPage: true });
  });

  it("shows a failed drill beside a fresh backup: in the heading, the answers and the overview, sorted first", async () => {
    const blog = await core.createProject("blog", { heartbeatGraceSeconds: 3600 });
    const beat = await import("../../core/test/support/core-server.ts").then((m) => m.heartbeat());
    expect((await core.api("POST", "/api/v1/heartbeats", { token: blog.agentToken, body: beat })).status).toBe(201);
    // Restoring to a time before the backup began cannot work: a real failed drill of jobs.
    const res = await core.api("POST", `/api/v1/projects/${projectId}/drills`, { body: { database: "jobs", timestamp: "2001-01-01T00:00:00Z" } });
    expect(res.status).toBe(202);
    const heading = page.getByRole("heading", { level: 1 });
    await heading.locator('[data-drill-status="failed"]').waitFor({ timeout: 60_000 });
    expect(await heading.locator("[data-status]").getAttribute("data-status")).toBe("fresh");
    await expect.poll(() => page.locator('[data-question="restore"]').getAttribute("data-mark")).toBe("no");
    expect(await page.getByTestId("answer-restore").textContent()).toBe("No: the last drill of jobs failed");
    expect(await page.locator('[data-question="passed"]').textContent()).toMatch(/jobs: failed: /);
    await page.screenshot({ path: path.join(SHOTS, "project-drill-failed.png"), fullPage: true });

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
    await rowOf(page, "blog").locator('[data-status="fresh"]').waitFor();
    await rowOf(page, "shop").locator('[data-drill-status="failed"]').waitFor();
    const order = await page.locator("tr[data-project]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-project")));
    expect(order).toEqual(["shop", "blog"]);
    expect(await rowOf(page, "shop").locator('td[data-label="Backup"] [data-status]').textContent()).toBe("fresh");
    await page.screenshot({ path: path.join(SHOTS, "overview.png"), fullPage: true });

    // A passing drill of jobs clears it again.
    await core.api("POST", `/api/v1/projects/${projectId}/drills`, { body: { database: "jobs" } });
    await rowOf(page, "shop").locator('[data-drill-status="passed"]').waitFor({ timeout: 60_000 });
    await rowOf(page, "shop").getByRole("link", { name: "shop" }).click();
    await page.locator('[data-database="app"]').waitFor();
  });

  it("turns stale when the agent's Litestream stops while the app keeps writing", async () => {
    const litestream = await agent!.litestreamPid();
    expect(litestream).not.toBeNull();
    // Frozen, not killed: a cause the agent does not know, so stale (a Litestream killed with restarts off
    // is an error naming it: core/test/agent/e2e-lifecycle.test.ts). It is let go in afterAll.
    process.kill(litestream!, "SIGSTOP");
    frozen = litestream;
    writer = openWriter(dbPath());
    const heading = page.getByRole("heading", { level: 1 });
    const deadline = Date.now() + (STALE_AFTER + 30) * 1000;
    let status = "";
    for (let i = 0; i < 200 && Date.now() < deadline; i++) {
      writer.addOrder();
      status = (await heading.locator("[data-status]").getAttribute("data-status")) ?? "";
      if (status === "stale") break;
      await page.waitForTimeout(250);
    }
    const api = await core.api("GET", `/api/v1/projects/${projectId}`);
    expect(status, `UI ${status}; API ${JSON.stringify(api.body).slice(0, 3000)}\nagent: ${agent!.output().slice(-3000)}`).toBe("stale");
    expect(await page.locator(".reasons").textContent()).toMatch(/unreplicated/);
    await expect.poll(() => page.locator('[data-question="fresh"]').getAttribute("data-mark")).toBe("no");
    expect(await page.getByTestId("answer-fresh").textContent()).toMatch(/^No: changes un-replicated for .+, longer than the 5 s threshold$/);
    const incident = page.locator("li.open", { hasText: "stale (app)" });
    await incident.waitFor({ timeout: 15_000 });
    // The agent's note reaches both databases; it shows once, under "Is the backup fresh?".
    await expect.poll(() => page.locator('[data-question="fresh"]').textContent()).toContain("Litestream metrics unavailable");
    expect((await page.locator("main").textContent())!.split("Litestream metrics unavailable").length - 1).toBe(1);
    // The incident's line picks the note up on its own refresh, a moment after the answer does.
    await expect.poll(() => page.locator("li.open", { hasText: "stale (app)" }).textContent(), { timeout: 10_000 }).toContain('the reason under "Is the backup fresh?"');
    await page.screenshot({ path: path.join(SHOTS, "project-stale.png"), fullPage: true });
    await incident.locator("summary").click();
    await incident.getByText("No alert was sent for this incident").waitFor();

    // One page lists the incidents of every project.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Incidents" }).click();
    await page.getByRole("heading", { name: "Incidents" }).waitFor();
    const open = page.locator('li.open[data-incident="stale"]', { hasText: "shop" });
    await open.waitFor();
    expect(await open.textContent()).toMatch(/shop · stale \(app\): .*unreplicated/);
    await page.getByLabel("all").check();
    await page.locator('li[data-incident="drill_failed"]', { hasText: "shop" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "incidents.png"), fullPage: true });
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Projects" }).click();
    await rowOf(page, "shop").locator('[data-status="stale"]').first().waitFor();
  });

  it("revokes the agent token from the settings page; the project goes silent", async () => {
    await page.goto(`${core.url}/projects/${projectId}/settings`);
    const tokens = page.locator("tr[data-token]");
    await tokens.first().waitFor();
    expect(await tokens.count()).toBe(1);
    page.once("dialog", (dialog) => void dialog.accept());
    await tokens.first().getByRole("button", { name: /^Revoke token bra_/ }).click();
    await expect.poll(() => tokens.first().locator("td").nth(1).textContent()).toBe("revoked");
    const list = await core.api<{ active: boolean; revokedAt: string | null }[]>("GET", `/api/v1/projects/${projectId}/tokens`);
    expect(list.body).toEqual([expect.objectContaining({ active: false, revokedAt: expect.any(String) })]);

    await page.getByRole("button", { name: "New token" }).click();
    const start = page.getByRole("region", { name: "Agent token for shop" });
    const next = (await start.getByLabel("agent token", { exact: true }).textContent())!.trim();
    expect(next).toMatch(/^bra_/);
    expect(next).not.toBe(agentToken);
    await expect.poll(() => tokens.count()).toBe(2);

    const compose = page.locator('[data-snippet="compose"]');
    await compose.locator("summary").click();
    const snippet = (await compose.getByLabel("Docker Compose service snippet", { exact: true }).textContent())!;
    expect(snippet).toContain(`BORELA_DATABASES: ${dbPath()},${jobsPath()}`);
    expect(snippet).toContain("BORELA_AGENT_TOKEN: ${BORELA_AGENT_TOKEN}");
    expect(snippet).not.toContain(agentToken);
    expect(snippet).not.toContain(next);
    await page.screenshot({ path: path.join(SHOTS, "settings.png"), fullPage: true });

    await page.goto(`${core.url}/`);
    await rowOf(page, "shop").locator('[data-status="silent"]').first().waitFor({ timeout: (GRACE + 15) * 1000 });
  });

  it("adds a webhook alert channel, sends it a test message, and shows the incident's delivery log", async () => {
    const receiver: WebhookReceiver = await startWebhookReceiver();
    const events = () => receiver.received.map((r) => JSON.parse(r.body) as { event: string; kind: string; project: { name: string } });
    try {
      // A project's older "alert emails" setting shows among the channels, the one place for alerts, and goes from there.
      await core.api("PATCH", `/api/v1/projects/${projectId}`, { body: { alertEmails: ["oncall@example.com"] } });
      await page.goto(`${core.url}/projects/${projectId}/settings`);
      const emails = page.locator("li.channel", { hasText: "the project's alert emails" });
      expect(await emails.textContent()).toContain("oncall@example.com");
      page.once("dialog", (dialog) => void dialog.accept());
      await emails.getByRole("button", { name: "Remove" }).click();
      await emails.waitFor({ state: "detached" });
      expect((await core.api("GET", `/api/v1/projects/${projectId}`)).body.alertEmails).toEqual([]);

      const form = page.getByRole("form", { name: "Add an alert channel" });
      await form.getByLabel("Type").selectOption("webhook");
      await form.getByLabel("URL").fill(receiver.url);
      await form.getByRole("button", { name: "Add channel" }).click();
      // A webhook URL may carry a secret in its path: the dashboard shows the channel's display form.
      const shown = displayTarget("webhook", receiver.url);
      expect(shown).not.toBe(receiver.url);
      await page.getByText(shown).waitFor();
      await page.getByRole("button", { name: "Send test" }).click();
      await page.getByRole("status").filter({ hasText: /^Sent: / }).waitFor({ timeout: 15_000 });
      expect(events().filter((e) => e.event === "test")).toEqual([expect.objectContaining({ project: expect.objectContaining({ name: "shop" }) })]);

      // The open "silent" incident is delivered to the new channel; its log shows on the project page.
      await expect.poll(() => events().some((e) => e.kind === "silent" && e.event !== "test"), { timeout: 20_000 }).toBe(true);
      await page.goto(`${core.url}/projects/${projectId}`);
      const incident = page.locator("li.open", { hasText: /^\s*silent/ });
      await incident.locator("summary").click();
      const delivery = incident.locator("tbody tr", { hasText: `webhook: ${shown}` }).first();
      await expect.poll(() => delivery.locator("td").nth(2).textContent(), { timeout: 15_000 }).toMatch(/^sent /);
      expect(await delivery.locator("td").nth(3).textContent()).toMatch(/ok — HTTP 200/);
      // Now someone hears.
      await expect.poll(() => page.locator('[data-question="hear"]').getAttribute("data-mark"), { timeout: 10_000 }).toBe("yes");
      expect(await page.locator('[data-question="hear"]').textContent()).toContain(`webhook ${shown} (project)`);
    } finally {
      await receiver.close();
    }
  });

  it("shows in the operator settings whether SMTP and storage are configured, and sends a test email", async () => {
    await page.goto(`${core.url}/settings`);
    const smtpPanel = page.locator('[data-check="smtp"]');
    await smtpPanel.waitFor();
    expect(await smtpPanel.textContent()).toContain(`Configured: sends through ${new URL(smtp.url).host}`);
    await smtpPanel.getByLabel("Send a test email to").fill("ops@example.com");
    await smtpPanel.getByRole("button", { name: "Send test email" }).click();
    await smtpPanel.getByRole("status").filter({ hasText: /^Sent: SMTP 127\.0\.0\.1:\d+ accepted for ops@example\.com/ }).waitFor({ timeout: 15_000 });
    await expect.poll(() => smtp.messages.some((m) => (m.to as { text: string }).text === "ops@example.com")).toBe(true);
    const storage = page.locator('[data-check="storage"]');
    expect(await storage.textContent()).toContain("Not configured");
    expect(await storage.getByRole("button", { name: "Test storage" }).isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, "operator-settings.png"), fullPage: true });
  });

  it("is readable on a phone", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${core.url}/`);
    await rowOf(page, "shop").waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, "overview-phone.png"), fullPage: true });
    await page.goto(`${core.url}/projects/${projectId}`);
    await page.locator('[data-database="app"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(SHOTS, "project-phone.png"), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

describe("dashboard in Chromium: first-run password", () => {
  let core: TestCore;
  let page: Page;

  beforeAll(async () => {
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
    await browser.context.clearCookies();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await page?.close();
    await core?.close();
  });

  it("sets a password with the admin token, signs out, signs back in with the password", async () => {
    await page.goto(`${core.url}/`);
    const setup = page.getByRole("region", { name: "Set a dashboard password" });
    await setup.getByLabel("Admin token").fill("bradm_wrong");
    await setup.getByLabel("New password").fill("a long dashboard password");
    await setup.getByLabel("Repeat the password").fill("a long dashboard password");
    await setup.getByRole("button", { name: "Set password and sign in" }).click();
    await expect.poll(() => setup.getByRole("alert").textContent()).toContain("wrong admin token");

    await setup.getByLabel("Admin token").fill(core.adminToken);
    await setup.getByRole("button", { name: "Set password and sign in" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();

    await page.getByRole("button", { name: "Sign out" }).click();
    const signIn = page.getByRole("region", { name: "Sign in to Borela" });
    await signIn.waitFor();
    expect(await page.getByRole("region", { name: "Set a dashboard password" }).count()).toBe(0);
    expect((await browser.context.cookies()).find((c) => c.name === "borela_session")).toBeUndefined();

    await signIn.getByLabel("Password", { exact: true }).fill("not the password");
    await signIn.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => signIn.getByRole("alert").textContent()).toContain("wrong password");
    await signIn.getByLabel("Password", { exact: true }).fill("a long dashboard password");
    await signIn.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Projects" }).waitFor();
  });

  it("reaches every control with the keyboard, starting with a skip link", async () => {
    await page.goto(`${core.url}/`);
    await page.getByRole("heading", { name: "Projects" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    const reached = new Set<string>();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      reached.add((await page.evaluate(() => document.activeElement?.getAttribute("name") ?? document.activeElement?.textContent?.trim())) ?? "");
    }
    expect([...reached]).toEqual(expect.arrayContaining(["Projects", "Settings", "Sign out", "name", "Create project"]));
  });
});
