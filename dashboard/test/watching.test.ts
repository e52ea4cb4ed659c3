// The project page's Signals panel (agentless watching), in real Chromium against a
// real core: the litestream.yml line with the project's ping URL, which signals the
// project has (a real ping to the URL), and the replica the core lists, stored from
// the page (a refused URL shows the core's reason naming the field); the lag and the
// Overview's column speak of the Litestream ping, not of heartbeats that never come.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { heartbeat } from "../../core/test/support/core-server.ts";
import { openProjectPage, useDashboard } from "./support/use-dashboard.ts";
import { useTmpDir } from "../../core/test/support/use-tmp.ts";

const { core, page } = useDashboard({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LISTING_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });
const tmp = useTmpDir("borela-watching-ui-");

it("shows the heartbeat-url line to paste, the signals the project has, and stores the replica the core lists", async () => {
  const p = await core.createProject("watching-ui");
  const { pingUrl } = (await core.api("GET", `/api/v1/projects/${p.id}`)).body as { pingUrl: string };
  expect((await fetch(pingUrl)).status).toBe(200);

  await openProjectPage(page, core, p.id);

  const panel = page.getByRole("region", { name: "Signals" });
  await panel.waitFor();
  // Both lines: without heartbeat-interval Litestream 0.5.16 pings every 5 min, past the 2 min grace.
  expect(await panel.getByLabel("litestream.yml heartbeat lines", { exact: true }).textContent()).toBe(`heartbeat-url: "${pingUrl}"\nheartbeat-interval: 1m`);
  expect((await panel.textContent())!.replace(/\s+/g, " ")).toContain("once every heartbeat-interval (5 minutes unless set; 1 minute at least)");
  expect(await panel.textContent()).not.toContain("at most once a minute");
  expect(await panel.getByTestId("ping-warning").count()).toBe(0);
  const signals = panel.getByTestId("signals");
  await expect.poll(() => signals.textContent()).toMatch(/Litestream ping: Litestream runs and every database synced \(last ping/);
  expect(await signals.textContent()).toContain("Borela agent: none — nothing reports the databases' own positions");
  expect(await signals.textContent()).toContain("Storage listing: none — nothing checks that backups reach storage");
  // No agent: the facts name the last ping, not a heartbeat that never comes, and the lag is not "no recent heartbeat".
  const fresh = page.locator('[data-question="fresh"]');
  expect(await fresh.textContent()).toMatch(/Last ping\s*\d+\s*s ago|Last ping\s*(just now|\d)/);
  expect(await fresh.textContent()).not.toContain("Last heartbeat");
  expect(await fresh.textContent()).toMatch(/unknown: no agent reports it \(last ping (just now|\d+ s ago)\)/);

  // The Overview speaks of pings for it too: alone, the column is "Last ping"; beside a project with an agent,
  // "Last heartbeat or ping", and its row names the Litestream ping.
  await page.goto(`${core.url}/`);
  const row = page.locator('tr[data-project="watching-ui"]');
  await row.waitFor();
  expect(await page.locator("table.projects thead").textContent()).toContain("Last ping");
  expect(await page.locator("table.projects thead").textContent()).not.toContain("Last heartbeat");
  expect(await row.getByTestId("last-heard").getAttribute("data-label")).toBe("Last ping");
  expect(await row.getByTestId("last-heard").textContent()).toMatch(/^(just now|\d+ s ago)$/);
  const agent = await core.createProject("watching-ui-agent");
  expect((await core.api("POST", "/api/v1/heartbeats", { token: agent.agentToken, body: heartbeat() })).status).toBe(201);
  await expect.poll(() => page.locator("table.projects thead").textContent(), { timeout: 15_000 }).toContain("Last heartbeat or ping");
  expect(await row.getByTestId("last-heard").textContent()).toMatch(/^(just now|\d+ s ago) \(Litestream ping\)$/);
  const agentRow = page.locator('tr[data-project="watching-ui-agent"]');
  expect(await agentRow.getByTestId("last-heard").getAttribute("data-label")).toBe("Last heartbeat");
  expect(await agentRow.getByTestId("last-heard").textContent()).toMatch(/\(agent heartbeat\)$/);
  // A project with an agent is not told to store a replica (no form is offered: the core would refuse it).
  await page.goto(`${core.url}/projects/${agent.id}`);
  await expect.poll(() => panel.getByTestId("signals").textContent(), { timeout: 10_000 }).toContain("Storage listing: none — the agent reads the replica itself");
  expect(await panel.getByLabel(/Replica the core lists/).count()).toBe(0);
  await page.goto(`${core.url}/projects/${p.id}`);
  await panel.waitFor();

  // A URL the core would never read is refused, with the core's reason.
  await panel.getByLabel(/Replica the core lists/).fill("file:///var/lib/not-a-root");
  await panel.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => panel.textContent()).toMatch(/replicaUrl: /);

  const replica = path.join(tmp.path, "replica");
  mkdirSync(replica);
  await panel.getByLabel(/Replica the core lists/).fill(`file://${replica}`);
  await panel.getByRole("button", { name: "Save" }).click();
  // Listed by the core: an empty directory holds no LTX file, and the project says so.
  await expect.poll(() => signals.textContent(), { timeout: 15_000 }).toContain(`Storage listing: the core lists file://${replica}`);
  await expect
    .poll(async () => ((await core.api("GET", `/api/v1/projects/${p.id}`)).body as { statusReasons: string[] }).statusReasons[0], { timeout: 15_000 })
    .toBe(`storage listing: no LTX file on file://${replica}: is it the replica litestream.yml writes to?`);

  // A grace shorter than Litestream's smallest interval is accepted, and the page says what it means.
  expect((await core.api("PATCH", `/api/v1/projects/${p.id}`, { body: { heartbeatGraceSeconds: 30 } })).status).toBe(200);
  await page.reload();
  await expect
    .poll(() => page.getByTestId("ping-warning").textContent(), { timeout: 10_000 })
    .toMatch(/^heartbeatGraceSeconds \(30s\) is shorter than Litestream's smallest heartbeat-interval: 1m: the Litestream ping is judged silent only after 90s/);
}, 90_000);

it("New ping URL issues a new key: the page shows the new line and the old URL answers 404", async () => {
  const p = await core.createProject("watching-ui-rotate");
  const { pingUrl } = (await core.api("GET", `/api/v1/projects/${p.id}`)).body as { pingUrl: string };
  await page.goto(`${core.url}/projects/${p.id}`);
  const panel = page.getByRole("region", { name: "Signals" });
  const lines = panel.getByLabel("litestream.yml heartbeat lines", { exact: true });
  await expect.poll(() => lines.textContent()).toContain(pingUrl);
  page.once("dialog", (d) => void d.accept());
  await panel.getByRole("button", { name: "New ping URL" }).click();
  await expect.poll(() => lines.textContent(), { timeout: 10_000 }).not.toContain(pingUrl);
  const fresh = (await core.api("GET", `/api/v1/projects/${p.id}`)).body as { pingUrl: string };
  expect(await lines.textContent()).toContain(fresh.pingUrl);
  expect((await fetch(pingUrl)).status).toBe(404);
}, 60_000);
