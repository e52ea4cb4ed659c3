// The app replaces its database file (new inode): Litestream would keep
// replicating the old one. The agent reports it as an error naming the path,
// then restarts Litestream on the new file and notes what happened.
import { copyFile, rename } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HeartbeatPayload } from "../../src/protocol.ts";
import { tmpDir, type TmpDir } from "../support/tmp.ts";
import { waitFor } from "../support/wait-for.ts";
import { createDatabase } from "../litestream/live.ts";
import { runAgent, type TestAgent } from "./harness.ts";

let dir: TmpDir;
let agent: TestAgent;
const payloads: HeartbeatPayload[] = [];

beforeAll(async () => {
  dir = await tmpDir();
});
afterAll(async () => {
  await agent?.stop();
  await dir?.remove();
});

describe("database file replaced", () => {
  it("is an error naming the path; Litestream follows the new file and the error stays until the agent restarts", async () => {
    const dbPath = path.join(dir.path, "app.sqlite3");
    createDatabase(dbPath, 10);
    agent = await runAgent({
      server: "http://127.0.0.1:9",
      token: "brag_replaced",
      databases: [dbPath],
      replicaUrl: `file://${path.join(dir.path, "replica")}`,
      dir: dir.path,
      deps: { post: async (p) => (payloads.push(p), { kind: "ok", status: 201, value: null }) },
    });
    await waitFor(() => payloads.some((p) => p.databases[0].replicas[0].position), { timeoutMs: 10_000, what: "a first backup" });
    const restartsBefore = agent.agent.supervisor!.status().restarts;

    await copyFile(dbPath, `${dbPath}.new`);
    await rename(`${dbPath}.new`, dbPath);
    const withError = await waitFor(() => payloads.find((p) => p.databases[0].errors.some((e) => e.includes("was replaced"))), { timeoutMs: 10_000, what: "a heartbeat with the error" });
    expect(withError.databases[0].errors.join(" ")).toContain(`database file ${dbPath} was replaced (inode`);

    await waitFor(() => agent.agent.supervisor!.status().restarts > restartsBefore && agent.agent.supervisor!.status().running, { timeoutMs: 10_000, what: "Litestream restarted" });
    // The new Litestream has opened the file by now; a heartbeat built during the restart (posted late under
    // load) still says "was replaced": judge only one built after the restart was seen.
    const restartedAt = Date.now();
    const after = await waitFor(
      () => {
        const p = payloads.at(-1)!;
        return p.sequence! > withError.sequence! && Date.parse(p.sentAt) > restartedAt && p.databases[0].notes!.some((n) => /Litestream restarted on the new file/.test(n)) ? p : null;
      },
      { timeoutMs: 10_000, what: "a heartbeat after Litestream followed the new file" },
    );
    // Someone must look: the data the app had may be in the old file.
    expect(after.databases[0].errors).toEqual([expect.stringContaining(`database file ${dbPath} is not the file the agent started with`)]);
  });
});
