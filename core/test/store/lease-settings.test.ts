// t7 F5: two cores on one store with different BORELA_SWEEP_INTERVAL_SECONDS silently swept at the lease
// holder's period. Each core records its shared-job settings with the leases it takes (lease-settings.ts); a
// core whose settings differ from a holder's logs one warning at start naming the setting and the peer, and
// /healthz?details=true shows it as the lease's `problem`.
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { differences, jobSettings, leaseSettingsProblem, parseHolderSettings } from "../../src/store/lease-settings.ts";
import { loadConfig } from "../../src/config.ts";
import { startServer, type RunningServer } from "../../src/server/start.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { createLeases } from "../../src/store/lease-gate.ts";
import { LeaseStore } from "../../src/store/lease.ts";
import { useSharedStore } from "../support/use-store.ts";
import { waitFor } from "../support/wait-for.ts";

const NOW = new Date(Date.UTC(2026, 10, 30, 6, 0, 0));
const row = (holder: string, untilMs: number) => ({ name: "sweep", holder, until: new Date(NOW.getTime() + untilMs), acquiredAt: NOW, renewedAt: NOW, lastRunAt: null, lastRunBy: null, runs: 0 });

describe("lease settings (pure)", () => {
  it("leaves SMTP and the recipients out: a core without them hands its sends to a peer (s26 tester: they were listed as a problem)", () => {
    const withSmtp = jobSettings(loadConfig({ BORELA_DATA_DIR: "/tmp/x", BORELA_SMTP_URL: "smtp://user:pw-secret@127.0.0.1:25", BORELA_ALERT_EMAIL: "a@example.com,b@example.com" }));
    const without = jobSettings(loadConfig({ BORELA_DATA_DIR: "/tmp/x" }));
    expect(JSON.stringify(withSmtp)).not.toContain("pw-secret");
    expect(JSON.stringify(withSmtp)).not.toContain("a@example.com");
    expect(withSmtp).toMatchObject({ BORELA_SWEEP_INTERVAL_SECONDS: "15" });
    expect(differences(without, withSmtp)).toEqual([]);
  });

  it("names each differing setting; a live peer holder with other settings is a problem, itself or a lapsed lease is not", () => {
    const ours = { BORELA_SWEEP_INTERVAL_SECONDS: "5", BORELA_DIGEST_CRON: "0 8 * * 1" };
    const theirs = { BORELA_SWEEP_INTERVAL_SECONDS: "15", BORELA_DIGEST_CRON: "0 8 * * 1", BORELA_NEW: "x" };
    expect(differences(ours, theirs)).toEqual(["BORELA_SWEEP_INTERVAL_SECONDS=15 (this core: 5)"]);
    const recorded = { holder: "host:1:aa", settings: theirs };
    expect(leaseSettingsProblem(row("host:1:aa", 1_000), recorded, ours, "me", NOW)).toContain("core host:1:aa runs sweep with BORELA_SWEEP_INTERVAL_SECONDS=15 (this core: 5)");
    expect(leaseSettingsProblem(row("host:1:aa", 1_000), recorded, ours, "host:1:aa", NOW)).toBeNull();
    expect(leaseSettingsProblem(row("host:1:aa", -1), recorded, ours, "me", NOW)).toBeNull();
    expect(leaseSettingsProblem(row("host:2:bb", 1_000), recorded, ours, "me", NOW)).toBeNull(); // recorded by a former holder
    expect(parseHolderSettings("not json")).toBeUndefined();
    expect(parseHolderSettings(JSON.stringify(recorded))).toEqual(recorded);
  });
});

describe("two cores on one store with different sweep periods", () => {
  let dir: TmpDir;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    for (const s of servers.reverse()) await s.close();
    await dir?.remove();
  });

  it("the second logs one warning naming the setting and the holder, and its /healthz details show it", async () => {
    dir = await tmpDir("borela-lease-settings-");
    const start = async (sweep: string) => {
      let logs = "";
      const logStream = new PassThrough();
      logStream.on("data", (d) => (logs += d.toString()));
      const env = { BORELA_ADMIN_TOKEN: "bradm_lease_settings", BORELA_SECRET_KEY: "lease-settings-key-0123456789", BORELA_SWEEP_INTERVAL_SECONDS: sweep, BORELA_LOG_LEVEL: "warn" };
      const server = await startServer({ env, dataDir: dir.path, host: "127.0.0.1", port: 0, logStream });
      servers.push(server);
      return { server, logs: () => logs };
    };
    const details = async (s: RunningServer) => (await (await fetch(`${s.url}/healthz?details=true`)).json()) as { details: { leases: { name: string; holder: string | null; problem: string | null }[] } };
    const a = await start("15");
    const sweepLease = async (s: RunningServer) => (await details(s)).details.leases.find((l) => l.name === "sweep");
    const held = await waitFor(async () => (await sweepLease(a.server))?.holder ?? null, { timeoutMs: 10_000, what: "core a holding the sweep lease" });
    const b = await start("5");
    const warnings = b.logs().split("\n").filter((l) => l.includes("settings differ from a peer's"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`core ${held} runs sweep with BORELA_SWEEP_INTERVAL_SECONDS=15 (this core: 5)`);
    expect((await sweepLease(b.server))?.problem).toContain("BORELA_SWEEP_INTERVAL_SECONDS=15 (this core: 5)");
    expect((await sweepLease(a.server))?.problem).toBeNull();
    expect(a.logs()).not.toContain("settings differ");
  });
});

describe("a peer with other settings that takes the leases after this core started", () => {
  const shared = useSharedStore("borela-lease-settings-late-");

  it("is named in one warning by this core within a minute of its next claim, not repeated (s26 tester: no line anywhere)", async () => {
    const clock = { at: NOW.getTime() };
    const lines: string[] = [];
    const log = (level: string) => (obj: object, msg?: string) => lines.push(`${level} ${msg} ${JSON.stringify(obj)}`);
    const quiet = { info() {}, warn() {}, error() {} };
    const now = () => new Date(clock.at);
    const a = createLeases({ store: new LeaseStore(shared.one, "sqlite"), logger: { info: log("info"), warn: log("warn"), error: log("error") }, holder: "core-a", now, settings: { BORELA_SWEEP_INTERVAL_SECONDS: "15" } });
    const b = createLeases({ store: new LeaseStore(shared.two, "sqlite"), logger: quiet, holder: "core-b", now, settings: { BORELA_SWEEP_INTERVAL_SECONDS: "5" } });
    await a.warnSettingsProblems(); // a's start: nobody holds a lease yet
    expect(await b.gate("sweep", 5_000)(async () => "b")).toBe("b");
    const warnings = () => lines.filter((l) => l.includes("settings differ from a peer's"));
    for (let s = 0; s <= 120; s += 15) {
      clock.at = NOW.getTime() + s * 1000;
      expect(await b.gate("sweep", 5_000)(async () => "b")).toBe("b");
      expect(await a.gate("sweep", 15_000)(async () => "a")).toBeNull();
      await new Promise((r) => setTimeout(r, 20)); // the check runs beside the claim
      if (s < 60) expect(warnings()).toHaveLength(0);
    }
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toContain("core core-b runs sweep with BORELA_SWEEP_INTERVAL_SECONDS=5 (this core: 15)");
  });
});
