// bin/prisma-clients.js: the CLI launcher, the image build and the test set-up generate the Prisma
// clients only when what they are generated from changed (a hash written last), one process at a time. Before, a test building an
// image regenerated them while a CLI test started `borela`, which then found prisma-pg/client.ts missing.
// Real processes and the real Prisma CLI, in a copy of core/'s Prisma files (never the repo's clients).
import { spawn } from "node:child_process";
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, statSync, symlinkSync, utimesSync } from "node:fs";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { tmpDir, type TmpDir } from "../support/tmp.ts";

const CORE = path.resolve(import.meta.dirname, "../..");
const MODULE = path.join(CORE, "bin", "prisma-clients.js");
let tmp: TmpDir | undefined;

afterEach(async () => {
  await tmp?.remove();
});

/** A core/ holding only what generation reads: the schema, both configs, the PostgreSQL schema writer. */
function coreCopy(dir: string): string {
  const core = path.join(dir, "core");
  for (const f of ["package.json", "prisma.config.ts", "prisma.postgresql.config.ts", "prisma/schema.prisma", "prisma/postgresql/generate.ts", "src/store/postgres-schema.ts"]) {
    mkdirSync(path.dirname(path.join(core, f)), { recursive: true });
    cpSync(path.join(CORE, f), path.join(core, f));
  }
  symlinkSync(path.join(CORE, "..", "node_modules"), path.join(dir, "node_modules"));
  return core;
}

/** One process calling ensurePrismaClients(core); resolves with what it printed: "true" when it generated. */
function ensureInProcess(core: string): Promise<string> {
  const script = `import(${JSON.stringify(MODULE)}).then((m) => m.ensurePrismaClients(${JSON.stringify(core)})).then((g) => console.log(String(g)))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

it("five processes at once on a fresh clone: one generates both clients, the others wait and find them current", async () => {
  tmp = await tmpDir("prisma-clients-");
  const core = coreCopy(tmp.path);
  const results = await Promise.all([1, 2, 3, 4, 5].map(() => ensureInProcess(core)));
  expect(results.filter((r) => r === "true")).toHaveLength(1);
  expect(results.filter((r) => r === "false")).toHaveLength(4);
  for (const client of ["prisma", "prisma-pg"]) expect(existsSync(path.join(core, "src/generated", client, "client.ts"))).toBe(true);
  expect(existsSync(path.join(core, "prisma", "schema.prisma.lock"))).toBe(false);

  // Current clients: nothing regenerated, nothing rewritten, whatever the schema file's time says (a clock ahead).
  const pgClient = path.join(core, "src/generated/prisma-pg/client.ts");
  const before = statSync(pgClient).mtimeMs;
  const ahead = new Date(Date.now() + 86_400_000);
  utimesSync(path.join(core, "prisma", "schema.prisma"), ahead, ahead);
  expect(await ensureInProcess(core)).toBe("false");
  expect(statSync(pgClient).mtimeMs).toBe(before);

  // An interrupted generation (killed after Prisma wrote client.ts, before the rest): no marker, generated again.
  rmSync(path.join(core, "src/generated/.inputs"));
  rmSync(path.join(core, "src/generated/prisma-pg/internal"), { recursive: true });
  expect(await ensureInProcess(core)).toBe("true");
  expect(existsSync(path.join(core, "src/generated/prisma-pg/internal"))).toBe(true);

  // A schema whose content changed: generated again.
  appendFileSync(path.join(core, "prisma", "schema.prisma"), "\n// edited\n");
  expect(await ensureInProcess(core)).toBe("true");
  expect(await ensureInProcess(core)).toBe("false");
}, 180_000);
