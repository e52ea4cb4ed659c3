// Debian's chromium driven by playwright-core, with a fresh profile and the
// flags from DESIGN.md. Only loopback pages are ever opened.
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** PIDs of processes whose command line mentions the profile directory (chromium and its helpers). */
async function profilePids(profile: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(profile)) pids.push(Number(entry));
  }
  return pids;
}

export async function launchBrowser(options: { width?: number; height?: number } = {}): Promise<TestBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), "borela-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_BIN ?? "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      const closed = context.close().then(() => true);
      const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), 15_000));
      if (!(await Promise.race([closed, timedOut]))) {
        for (const pid of await profilePids(profile)) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            /* already gone */
          }
        }
      }
      await rm(profile, { recursive: true, force: true });
    },
  };
}
