// The operator settings page in real Chromium against a real core: the session
// list with a revoke button, the password change form, and "sign out everywhere".
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { ensureDashboardBuilt } from "../../../dashboard/test/support/build.ts";
import { launchBrowser, type TestBrowser } from "../../../dashboard/test/support/browser.ts";

const SHOTS = path.resolve(import.meta.dirname, "..", "..", "..", ".artifacts", "screenshots");

function cookieOf(headers: Headers): string {
  const line = headers.getSetCookie().find((c) => c.startsWith("borela_session="));
  if (!line) throw new Error("no session cookie");
  return line.split(";")[0];
}

describe("operator settings: sessions and password in Chromium", () => {
  let core: TestCore;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    await ensureDashboardBuilt();
    core = await startTestCore({ BORELA_LOG_LEVEL: "warn" });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await core.api("POST", "/api/v1/session/password", { token: null, body: { adminToken: core.adminToken, password: "first password here" } });
    await core.api("DELETE", "/api/v1/sessions");
  });
  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await core?.close();
  });

  const signInAsOther = async () =>
    cookieOf((await core.api("POST", "/api/v1/session", { token: null, body: { token: core.adminToken }, headers: { "user-agent": "other-browser" } })).headers);
  const works = async (cookie: string) => (await core.api("GET", "/api/v1/projects", { token: null, headers: { cookie } })).status;

  it("lists sessions, revokes another browser's, changes the password, signs out everywhere", async () => {
    const other = await signInAsOther();
    await page.goto(`${core.url}/`);
    const signIn = page.getByRole("region", { name: "Sign in to Borela" });
    await signIn.getByRole("textbox", { name: "Password" }).fill("first password here");
    await signIn.getByRole("textbox", { name: "Password" }).press("Enter");
    await page.getByRole("heading", { name: "Projects" }).waitFor();

    await page.getByRole("link", { name: "Settings" }).click();
    const sessions = page.getByRole("region", { name: "Sessions" });
    await sessions.getByText("(this browser)").waitFor();
    await expect.poll(() => sessions.locator("tr[data-session]").count()).toBe(2);
    await sessions.getByText("other-browser").waitFor();
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SHOTS, "settings-sessions.png"), fullPage: true });

    page.once("dialog", (dialog) => void dialog.accept());
    await sessions.getByRole("button", { name: "Revoke session from 127.0.0.1", exact: true }).click();
    await expect.poll(() => sessions.locator("tr[data-session]").count()).toBe(1);
    expect(await works(other)).toBe(401);

    const second = await signInAsOther();
    const password = page.getByRole("region", { name: "Password" });
    await password.getByRole("textbox", { name: "Current password" }).fill("first password here");
    await password.getByRole("textbox", { name: /^New password/ }).fill("second password here");
    await password.getByLabel("Repeat the new password").fill("second password here");
    await password.getByRole("button", { name: "Change password" }).click();
    await password.getByRole("status").filter({ hasText: "Password changed" }).waitFor();
    expect(await works(second)).toBe(401);
    expect((await core.api("POST", "/api/v1/session", { token: null, body: { password: "first password here" } })).status).toBe(401);
    // This browser got a new session and stays signed in; the list now holds only it.
    await expect.poll(() => sessions.locator("tr[data-session]").count()).toBe(1);
    await page.reload();
    await page.getByRole("region", { name: "Sessions" }).getByText("(this browser)").waitFor();

    const third = await signInAsOther();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await page.getByRole("region", { name: "Sign in to Borela" }).waitFor();
    expect(await works(third)).toBe(401);
    expect((await core.api("GET", "/api/v1/sessions")).body).toEqual([]);
    const cookie = (await browser.context.cookies()).find((c) => c.name === "borela_session");
    expect(cookie === undefined || cookie.value === "").toBe(true);
  });
});
