// An operator checks or mends borela.db with the sqlite3 their system has, which is often older than the
// SQLite the core bundles (Debian 12's is 3.40). An index on octet_length() (SQLite 3.43+) made that sqlite3
// refuse PRAGMA integrity_check, VACUUM and any write to Heartbeat ("unknown function: octet_length()").
// Here the system's sqlite3 (scripts/install-system-deps.sh installs Debian's) works on a live core's store
// with heartbeat history in it, and the core's history page and byte budget still read the same sizes.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { heartbeat } from "../support/core-server.ts";
import { useTestCore } from "../support/use-core.ts";

const core = useTestCore();

/** The system's sqlite3 CLI on `file`, waiting up to 5 s for the core's write lock; its trimmed output. */
const sqlite3 = (file: string, sql: string) => execFileSync("sqlite3", ["-cmd", ".timeout 5000", file, sql], { encoding: "utf8" }).trim();

describe("borela.db under the system's sqlite3", () => {
  it("passes integrity_check, takes a delete from the history and a VACUUM, and the core reads the same sizes after", async () => {
    const version = execFileSync("sqlite3", ["--version"], { encoding: "utf8" }).split(" ")[0];
    console.log(`system sqlite3 ${version}`);
    const project = await core.createProject("operator-sqlite3");
    // Multi-byte text in the payload: its bytes, not its characters, are what the budget counts.
    for (let i = 0; i < 5; i++) {
      const res = await core.api("POST", "/api/v1/heartbeats", { token: project.agentToken, body: { ...heartbeat({ errors: [`é€😀 ${i}`] }), errors: [] } });
      expect(res.status).toBe(201);
    }
    const file = path.join(core.config.dataDir, "borela.db");

    expect(sqlite3(file, "PRAGMA integrity_check;")).toBe("ok");
    const bytes = sqlite3(file, `SELECT SUM(length(CAST(payload AS BLOB))) FROM Heartbeat WHERE projectId = '${project.id}';`);
    expect(Number(bytes)).toBeGreaterThan(5 * 100);
    const oldest = sqlite3(file, `SELECT id FROM Heartbeat WHERE projectId = '${project.id}' ORDER BY receivedAt LIMIT 1;`);
    expect(sqlite3(file, `DELETE FROM Heartbeat WHERE id = '${oldest}'; SELECT changes();`)).toBe("1");
    expect(sqlite3(file, "VACUUM; PRAGMA integrity_check;")).toBe("ok");

    const page = await core.api("GET", `/api/v1/projects/${project.id}/heartbeats`);
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(4);
    // The core's own SQLite agrees with the system's on the bytes the budget counts.
    const [row] = await core.store.$queryRawUnsafe<{ bytes: number | bigint }[]>("SELECT SUM(octet_length(payload)) AS bytes FROM Heartbeat WHERE projectId = ?", project.id);
    const left = sqlite3(file, `SELECT SUM(length(CAST(payload AS BLOB))) FROM Heartbeat WHERE projectId = '${project.id}';`);
    expect(Number(row.bytes)).toBe(Number(left));
  }, 30_000);
});
