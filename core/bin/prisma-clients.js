// The Prisma clients (SQLite: src/generated/prisma, PostgreSQL: src/generated/prisma-pg) are generated
// code, git-ignored. Generating rewrites their folders, so a process importing a client while another
// regenerates it finds files missing: generation happens only when a client is missing or older than
// prisma/schema.prisma, and one process at a time (a lock on the schema file; proper-lockfile takes
// over a lock whose holder died, after `stale` ms without its refresh).
//
//   ensurePrismaClients(coreDir, { force }): Promise<boolean>
//       true when it generated, false when both clients were current (never with force: true);
//       throws when a generation step fails or the lock stays held for over 5 minutes
//   node bin/prisma-clients.js      (`npm run generate`, from core/): generates both, current or not
import { existsSync, statSync } from "node:fs";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import lockfile from "proper-lockfile";

const CLIENTS = ["src/generated/prisma/client.ts", "src/generated/prisma-pg/client.ts"];

function current(coreDir) {
  const schemaTime = statSync(path.join(coreDir, "prisma", "schema.prisma")).mtimeMs;
  return CLIENTS.every((c) => {
    const file = path.join(coreDir, c);
    return existsSync(file) && statSync(file).mtimeMs >= schemaTime;
  });
}

function runNode(coreDir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: coreDir, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`node ${args.join(" ")} failed (${signal ?? `exit ${code}`})`)));
  });
}

/** `npm run generate`'s three steps, run with this Node (npm need not be on PATH). Asynchronous, so the
 * lock's refresh timer keeps running while Prisma works. */
async function generate(coreDir) {
  const require = createRequire(path.join(coreDir, "package.json"));
  const prismaCli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  await runNode(coreDir, [prismaCli, "generate"]);
  await runNode(coreDir, ["prisma/postgresql/generate.ts"]);
  await runNode(coreDir, [prismaCli, "generate", "--config", "prisma.postgresql.config.ts"]);
}

export async function ensurePrismaClients(coreDir, { force = false } = {}) {
  if (!force && current(coreDir)) return false;
  const release = await lockfile.lock(path.join(coreDir, "prisma", "schema.prisma"), {
    stale: 30_000,
    retries: { retries: 600, minTimeout: 250, maxTimeout: 500, factor: 1.2 },
  });
  try {
    if (!force && current(coreDir)) return false;
    await generate(coreDir);
    return true;
  } finally {
    await release();
  }
}

if (process.argv[1] === import.meta.filename) await ensurePrismaClients(path.dirname(import.meta.dirname), { force: true });
