// The Retire button on a database card, in real Chromium against a real core
// fed heartbeats directly: a database the agent stopped reporting shows why,
// a cancelled confirm keeps it, an accepted one retires it and the project
// turns fresh without a reload.
import { describe, expect, it } from "vitest";
import { heartbeat } from "../../core/test/support/core-server.ts";
import { openProjectPage, useDashboard } from "./support/use-dashboard.ts";

const { core, page } = useDashboard({ BORELA_SWEEP_INTERVAL_SECONDS: "1", BORELA_LOG_LEVEL: "warn" });

function beat(...names: string[]) {
  const template = heartbeat().databases[0] as { replicas: { url: string }[] };
  return heartbeat({
    databases: names.map((name) => ({ ...template, name, path: `/data/${name}`, replicas: template.replicas.map((r) => ({ ...r, url: `file:///backups/${name}` })) })),
  });
}

async function send(token: string, body: unknown) {
  expect((await core.api("POST", "/api/v1/heartbeats", { token, body })).status).toBe(201);
  await core.app.sweeper.idle();
}

describe("Retire on the database card", () => {
  it("asks first, then retires the database the agent no longer reports; the project turns fresh", async () => {
    const p = await core.createProject("retire-ui");
    await send(p.agentToken, beat("app.sqlite3", "jobs.sqlite3"));
    for (let i = 0; i < 3; i++) await send(p.agentToken, beat("jobs.sqlite3"));
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.status).toBe("error");

    await openProjectPage(page, core, p.id);

    const card = page.locator('[data-database="app.sqlite3"]');
    await card.waitFor();
    // The reason shows once on the page: under "Is the backup fresh?", not again on the card.
    const reason = "the agent no longer reports app.sqlite3 — removed from its configuration?";
    await expect.poll(() => page.locator('[data-question="fresh"]').textContent()).toContain(reason);
    const mainText = (await page.locator("main").textContent())!;
    expect(mainText.split(reason).length - 1, mainText).toBe(1);

    let question = "";
    page.once("dialog", (dialog) => {
      question = dialog.message();
      void dialog.dismiss();
    });
    await card.getByRole("button", { name: "Retire database app.sqlite3" }).click();
    await expect.poll(() => question).toContain("Retire app.sqlite3?");
    await new Promise((r) => setTimeout(r, 500));
    expect((await core.api("GET", `/api/v1/projects/${p.id}`)).body.databases).toHaveLength(2);

    page.once("dialog", (dialog) => void dialog.accept());
    await card.getByRole("button", { name: "Retire database app.sqlite3" }).click();
    await card.waitFor({ state: "detached", timeout: 10_000 });
    await page.locator('[data-database="jobs.sqlite3"]').waitFor();
    await expect.poll(() => page.locator("h1 [data-status]").first().getAttribute("data-status"), { timeout: 10_000 }).toBe("fresh");

    const incidents = (await core.api("GET", `/api/v1/projects/${p.id}/incidents`)).body;
    expect(incidents.map((i: { kind: string; open: boolean }) => [i.kind, i.open])).toEqual([["error", false]]);
  });
});
