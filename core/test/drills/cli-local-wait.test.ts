// `borela drill run --wait --data-dir` on the core's host runs the drill in
// the command's own process (no core running, no Redis) and exits as soon as
// the drill is recorded: no polling interval is waited out after it (the old
// runner slept 500 ms after the drill before the command could end). The
// restored counts match a plain `litestream restore` of the same replica.
import { execFile, execFileSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { startServer } from "../../src/server/start.ts";
import { BORELA_BIN, cleanEnv } from "../support/borela-cli.ts";
import { useTmpDir } from "../support/use-tmp.ts";
import { addRows, replicate, seededDatabase, tableCounts } from "./fixtures.ts";

const LITESTREAM = path.resolve("node_modules/@flydotio/litestream-linux-x64/litestream");
const ADMIN = "bradm_cli_local_wait";
const tmp = useTmpDir("borela-cli-local-wait-");

/** A stopped core's data dir holding project "local" whose agent reported one database replicated to a file replica. */
async function preparedDataDir(): Promise<{ dataDir: string; replicaDir: string }> {
  const dir = path.join(tmp.path, "app");
  const file = seededDatabase(dir);
  const replicaDir = path.join(dir, "replica");
  await replicate(dir, file, { type: "file", path: replicaDir }, [(f) => addRows(f, 3, 7)]);
  const dataDir = path.join(tmp.path, "data");
  const server = await startServer({ env: { BORELA_ADMIN_TOKEN: ADMIN, BORELA_LOG_LEVEL: "warn", BORELA_FILE_REPLICA_ROOTS: tmp.path }, dataDir, host: "127.0.0.1", port: 0 });
  try {
    const post = (url: string, token: string, body: unknown) =>
      fetch(server.url + url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const project = (await (await post("/api/v1/projects", ADMIN, { name: "local" })).json()) as { agentToken: string };
    const res = await post("/api/v1/heartbeats", project.agentToken, {
      agentVersion: "test",
      sentAt: new Date().toISOString(),
      databases: [{ name: "app", path: file, exists: true, errors: [], replicas: [{ type: "file", url: `file://${replicaDir}`, pendingSince: null }] }],
      errors: [],
    });
    expect(res.status).toBe(201);
  } finally {
    await server.close();
  }
  return { dataDir, replicaDir };
}

it("drill run --wait --data-dir exits right after the drill is recorded, with the counts of a plain litestream restore", async () => {
  const { dataDir, replicaDir } = await preparedDataDir();
  const env = { ...cleanEnv(), BORELA_DATA_DIR: dataDir, BORELA_FILE_REPLICA_ROOTS: tmp.path, BORELA_LOG_LEVEL: "warn" };
  const run = await new Promise<{ code: number; stdout: string; stderr: string; exitedAt: number }>((resolve) => {
    execFile(process.execPath, [BORELA_BIN, "drill", "run", "local", "--wait", "--data-dir", dataDir], { env, timeout: 90_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 99) : 0, stdout, stderr, exitedAt: Date.now() }),
    );
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("[app] PASSED\n");

  const plain = path.join(tmp.path, "plain.sqlite3");
  execFileSync(LITESTREAM, ["restore", "-o", plain, `file://${replicaDir}`]);
  for (const [table, n] of Object.entries(tableCounts(plain))) expect(run.stdout).toMatch(new RegExp(`\\n  ${table} +${n}\\n`));

  const store = new Database(path.join(dataDir, "borela.db"), { readonly: true });
  const finished = store.prepare("SELECT finishedAt FROM Drill").all() as { finishedAt: string }[];
  store.close();
  expect(finished).toHaveLength(1);
  // What remains after the drill is recorded: one read of the row, the printing, closing the store, exiting.
  const tail = run.exitedAt - Date.parse(finished[0].finishedAt);
  console.log(`exit ${tail} ms after the drill was recorded`);
  expect(tail).toBeLessThan(450);
}, 120_000);
