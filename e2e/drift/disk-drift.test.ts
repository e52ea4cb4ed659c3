// 10. The drill directory's disk is too small: the drill fails before
// restoring, with a message that says how much is free and needed, and
// leaves nothing behind. The small disk is a real 64 KiB tmpfs mounted for
// the test (the suites run as root on CI and the developer machines).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { tmpdir } from "node:os";
import { drill, expectDrillAlert, expectDrillResolved, startScenario, startWorld, type Scenario, type World } from "./world.ts";

const mountPoint = path.join(tmpdir(), `borela-small-disk-${process.pid}`);
let world: World;
let s: Scenario | null = null;

function mount(size: string): void {
  execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", mountPoint]);
}

beforeAll(async () => {
  mkdirSync(mountPoint, { recursive: true });
  mount("64k");
  world = await startWorld({ BORELA_DRILL_DIR: mountPoint });
});

afterAll(async () => {
  await s?.cleanup();
  await world?.close();
  try {
    execFileSync("umount", [mountPoint]);
  } catch {
    /* already unmounted */
  }
});

describe("drift in the drill's own machine", () => {
  it("10. the disk of the drill directory is too small → the drill fails with a clear message, nothing left behind", async () => {
    s = await startScenario(world, "small-disk", { heartbeatGraceSeconds: 300 });
    const t0 = Date.now();
    const failed = await drill(world, s.projectId);
    expect(failed.status).toBe("failed");
    expect(failed.report.error).toMatch(new RegExp(`^not enough free disk in ${mountPoint}: \\d+(\\.\\d)? KiB free, [\\d.]+ MiB needed to restore [\\d.]+ (B|KiB|MiB) of backup$`));
    expect(readdirSync(mountPoint)).toEqual([]);
    await expectDrillAlert(s, /^\[Borela\] DRILL FAILED: small-disk \/ app/, /not enough free disk/, t0);

    execFileSync("umount", [mountPoint]);
    mount("256m");
    const passed = await drill(world, s.projectId);
    expect(passed.status).toBe("passed");
    expect(readdirSync(mountPoint)).toEqual([]);
    await expectDrillResolved(s);
  });
});
