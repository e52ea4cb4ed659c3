// The Prisma clients (SQLite: src/generated/prisma, PostgreSQL: src/generated/prisma-pg) are generated
// code, git-ignored. Generating deletes and rewrites their folders, so a process importing a client while
// another regenerates it finds files missing: generation runs only when what the clients are generated from
// changed, and one process at a time.
// - What they are generated from: the schema, the PostgreSQL schema writer, both Prisma configs and the
//   versions of prisma and @prisma/client, hashed (SHA-256). The hash is written to src/generated/.inputs
//   after the last step succeeded and removed before the first, so an interrupted generation (Ctrl-C,
//   kill -9) leaves no marker and the next start generates again. File times play no part: a checkout
//   whose clock ran ahead does not regenerate on every start.
// - One at a time: a lock on prisma/schema.prisma (proper-lockfile; a lock whose holder died is taken over
//   after STALE_MS without its refresh). Every process checks again once it holds the lock.
// To force a generation, delete src/generated.
//
//   ensurePrismaClients(coreDir): Promise<boolean>
//       true when it generated, false when the clients were current; throws an Error naming the failed
//       step (with Prisma's output), or the lock when another process held it for over 5 minutes
//   node bin/prisma-clients.js      (`npm run generate`, from core/): the same, for scripts
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import lockfile from "proper-lockfile";

const CLIENTS = ["src/generated/prisma/client.ts", "src/generated/prisma-pg/client.ts"];
const MARKER = "src/generated/.inputs";
const INPUT_FILES = ["prisma/schema.prisma", "prisma/postgresql/generate.ts", "src/store/postgres-schema.ts", "prisma.config.ts", "prisma.postgresql.config.ts"];
const STALE_MS = 30_000;

/** SHA-256 hex of what the clients are generated from (see above). */
function inputsHash(coreDir) {
  const require = createRequire(path.join(coreDir, "package.json"));
  const hash = createHash("sha256");
  for (const f of INPUT_FILES) hash.update(`${f}\0`).update(readFileSync(path.join(coreDir, f))).update("\0");
  for (const pkg of ["prisma", "@prisma/client"]) hash.update(`${pkg}@${JSON.parse(readFileSync(require.resolve(`${pkg}/package.json`), "utf8")).version}\0`);
  return hash.digest("hex");
}

function current(coreDir, hash) {
  const marker = path.join(coreDir, MARKER);
  return existsSync(marker) && readFileSync(marker, "utf8") === hash && CLIENTS.every((c) => existsSync(path.join(coreDir, c)));
}

/** Runs `node args` in coreDir; rejects with an Error holding its output when it fails. */
function runNode(coreDir, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: coreDir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`generating the Prisma clients failed: node ${args.map((a) => path.basename(a)).join(" ")} (${signal ?? `exit ${code}`}):\n${output.trim()}`)));
  });
}

/** `npm run generate`'s steps, run with this Node (npm need not be on PATH); asynchronous, so the lock's refresh runs. */
async function generate(coreDir, hash) {
  const require = createRequire(path.join(coreDir, "package.json"));
  const prismaCli = path.join(path.dirname(require.resolve("prisma/package.json")), "build", "index.js");
  rmSync(path.join(coreDir, MARKER), { force: true });
  await runNode(coreDir, [prismaCli, "generate"]);
  await runNode(coreDir, ["prisma/postgresql/generate.ts"]);
  await runNode(coreDir, [prismaCli, "generate", "--config", "prisma.postgresql.config.ts"]);
  writeFileSync(path.join(coreDir, MARKER), hash);
}

async function takeLock(coreDir) {
  const schema = path.join(coreDir, "prisma", "schema.prisma");
  const options = { stale: STALE_MS };
  try {
    return await lockfile.lock(schema, options);
  } catch (err) {
    if (err.code !== "ELOCKED") throw err;
  }
  process.stderr.write("borela: waiting for another process that is generating the Prisma clients\n");
  try {
    return await lockfile.lock(schema, { ...options, retries: { retries: 600, minTimeout: 250, maxTimeout: 500, factor: 1.2 } });
  } catch (err) {
    if (err.code !== "ELOCKED") throw err;
    throw new Error(`another process has held the lock for generating the Prisma clients for over 5 minutes (${schema}.lock); if none is running, delete that folder`);
  }
}

export async function ensurePrismaClients(coreDir) {
  const hash = inputsHash(coreDir);
  if (current(coreDir, hash)) return false;
  const release = await takeLock(coreDir);
  try {
    if (current(coreDir, hash)) return false;
    process.stderr.write("borela: generating the Prisma clients (missing, or their schema or Prisma changed)\n");
    await generate(coreDir, hash);
    return true;
  } finally {
    await release();
  }
}

if (process.argv[1] === import.meta.filename) await ensurePrismaClients(path.dirname(import.meta.dirname));
