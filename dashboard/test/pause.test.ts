// The pause button on the project page, in real Chromium against a real core:
// "1 h" pauses (badge, "paused until …" among the reasons, the API's
// pausedUntil), "Resume alerts" lifts it, and a time typed in UTC pauses until then.
import { describe, expect, it } from "vitest";
import { openProjectPage, useDashboard } from "./support/use-dashboard.ts";

const { core, page } = useDashboard({ BORELA_LOG_LEVEL: "warn" });

const detail = async (id: string) => (await core.api("GET", `/api/v1/projects/${id}`)).body;

describe("Pause alerts on the project page", () => {
  it("pauses for 1 h with a reason, shows it, resumes; pauses until a UTC time", async () => {
    const p = await core.createProject("pause-ui");
    await openProjectPage(page, core, p.id);

    const panel = page.getByRole("region", { name: "Pause alerts" });
    await panel.getByLabel("reason").fill("migrating");
    const before = Date.now();
    await panel.getByRole("button", { name: "1 h" }).click();
    await panel.getByRole("button", { name: "Resume alerts" }).waitFor();
    const paused = await detail(p.id);
    const until = Date.parse(paused.pausedUntil);
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000 - 1000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000 + 1000);
    expect(paused.pauseReason).toBe("migrating");
    await page.locator('h1 [data-status="paused"]').waitFor();
    // The overview's row says so too.
    await page.goto(`${core.url}/`);
    await page.locator('[data-status="paused"]').waitFor();
    await page.goto(`${core.url}/projects/${p.id}`);
    expect(await panel.textContent()).toContain(": migrating.");
    await expect.poll(() => page.locator("main").textContent()).toContain(paused.statusReasons[0]);
    expect(paused.statusReasons[0]).toMatch(/^paused until (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC: migrating$/);

    await panel.getByRole("button", { name: "Resume alerts" }).click();
    await panel.getByRole("button", { name: "1 h" }).waitFor();
    expect((await detail(p.id)).pausedUntil).toBeNull();
    expect(await page.locator('h1 [data-status="paused"]').count()).toBe(0);

    const at = new Date(Date.now() + 2 * 86_400_000);
    at.setUTCHours(14, 0, 0, 0);
    await panel.getByLabel("until (UTC)").fill(at.toISOString().slice(0, 16));
    await panel.getByRole("button", { name: "Pause until" }).click();
    await panel.getByRole("button", { name: "Resume alerts" }).waitFor();
    expect((await detail(p.id)).pausedUntil).toBe(at.toISOString());
  });
});
