// One real core and one Chromium page per test file, the dashboard built and
// served by the core: started before the first test, closed after the last.
import { afterAll, beforeAll } from "vitest";
import type { Page } from "playwright-core";
import { startTestCore, type TestCore } from "../../../core/test/support/core-server.ts";
import { lazy } from "../../../core/test/support/lazy.ts";
import { ensureDashboardBuilt } from "./build.ts";
import { launchBrowser, type TestBrowser } from "./browser.ts";

/** Registers the hooks; `core` (started with `env`) and `page` are usable from the first test on. */
export function useDashboard(env: Record<string, string> = {}): { core: TestCore; page: Page } {
  let browser: TestBrowser | null = null;
  let core: TestCore | null = null;
  let page: Page | null = null;
  beforeAll(async () => {
    await ensureDashboardBuilt();
    browser = await launchBrowser();
    core = await startTestCore(env);
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await core?.close();
  });
  return { core: lazy("the test core", () => core), page: lazy("the page", () => page) };
}

/** Opens the overview on `page` and signs in with the admin token (does not wait for what the overview shows). */
export async function signIn(page: Page, core: TestCore): Promise<void> {
  await page.goto(`${core.url}/`);
  const region = page.getByRole("region", { name: "Sign in to Borela" });
  await region.getByLabel("Admin token").fill(core.adminToken);
  await region.getByLabel("Admin token").press("Enter");
}

/** Signs in on `page` with the admin token, waits for the projects list, then opens the project's page. */
export async function openProjectPage(page: Page, core: TestCore, projectId: string): Promise<void> {
  await signIn(page, core);
  await page.getByRole("heading", { name: "Projects" }).waitFor();
  await page.goto(`${core.url}/projects/${projectId}`);
}
