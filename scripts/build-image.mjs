// `npm run image`: builds the Borela image (borela/borela:latest) from a clone after `npm ci`.
//
//   node scripts/build-image.mjs [--tag NAME:TAG]...      (default tag borela/borela:latest)
//   node scripts/build-image.mjs --agent [--tag ...]      the agent alone (default tag borela/borela:agent):
//                                                         no core, no dashboard, no `borela serve|drill|...`
//   BASE_IMAGE=node:24-bookworm-slim npm run image        a pulled base instead of the local one
//   LITESTREAM=/path/to/litestream npm run image          another Litestream 0.3 binary as `litestream`
//   LITESTREAM05=/path/to/litestream npm run image        another Litestream 0.5 binary as `litestream-0.5`
//                                                         (default: scripts/install-litestream05.sh's build)
//
// Steps: the dashboard (vite build), the Prisma clients (generated when missing or older than the schema, never at run time), the
// agent bundle (esbuild), the core's bundles (scripts/bundle-core.mjs: the CLI and the drill
// child, with every dependency but better-sqlite3 inside), a staged context holding only what runs
// (those bundles, the files they read beside them, better-sqlite3), then `docker build`.
// The base image defaults to borela-base:slim-node24, built locally when missing
// (scripts/build-base-image.sh: a slim Debian root + Node 24 LTS from the npm package node@24), so
// nothing is pulled. better-sqlite3 13 ships Node-API prebuilds: the image keeps the linux-x64 one.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { bundleCore } from "./bundle-core.mjs";
import { ensurePrismaClients } from "../core/bin/prisma-clients.js";

const root = path.resolve(import.meta.dirname, "..");
const LOCAL_BASE = "borela-base:slim-node24";
function run(cmd, args, options = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...options });
}

/** The command line: { tags: string[], agent: boolean }. */
function parseArgs(argv) {
  const out = [];
  let agent = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--tag" && argv[i + 1]) out.push(argv[++i]);
    else if (argv[i] === "--agent") agent = true;
    else throw new Error(`unknown argument ${JSON.stringify(argv[i])} (usage: build-image.mjs [--agent] [--tag NAME:TAG]...)`);
  }
  return { tags: out.length ? out : [agent ? "borela/borela:agent" : "borela/borela:latest"], agent };
}

/** What the bundles load outside themselves: better-sqlite3 (native; external in core/src/agent/bundle.ts and scripts/bundle-core.mjs). */
const PACKAGES = ["node_modules/better-sqlite3"];

/**
 * The Litestream binaries the image carries, { file name in /usr/local/bin: source path }, both found on
 * PATH by core/src/litestream/binary.ts. `litestream-0.5` (the agent's default line) is LITESTREAM05 or
 * the build of scripts/install-litestream05.sh (run here: cached per machine, so a fresh clone gets it
 * in seconds once the machine has built it); `litestream` is 0.3.13 from npm unless LITESTREAM names another.
 */
function litestreamBinaries() {
  const require = createRequire(path.join(root, "core/package.json"));
  const npm = path.join(path.dirname(require.resolve("@flydotio/litestream-linux-x64/package.json")), "litestream");
  if (!process.env.LITESTREAM05) run("bash", ["scripts/install-litestream05.sh"]);
  return { litestream: process.env.LITESTREAM || npm, "litestream-0.5": process.env.LITESTREAM05 || ".tools/bin/litestream-0.5" };
}

/** Removes from the staged better-sqlite3 what nothing loads at run time. */
function prune(modules) {
  // better-sqlite3 keeps its lib and the linux-x64 (glibc) prebuild: its sources and the other platforms' builds are 26 MB.
  const bs = path.join(modules, "better-sqlite3");
  for (const d of ["deps", "src", "build"]) rmSync(path.join(bs, d), { recursive: true, force: true });
  for (const f of readdirSync(path.join(bs, "prebuilds"))) if (f !== "linux-x64.node") rmSync(path.join(bs, "prebuilds", f));
  for (const f of ["README.md", "binding.gyp"]) rmSync(path.join(bs, f), { force: true });
}

async function stage(dir, agent) {
  rmSync(dir, { recursive: true, force: true });
  const modules = path.join(dir, "modules");
  const app = path.join(dir, "app");
  for (const rel of PACKAGES) cpSync(path.join(root, rel), path.join(modules, rel), { recursive: true, verbatimSymlinks: true });
  prune(path.join(modules, "node_modules"));
  mkdirSync(app, { recursive: true });
  if (!agent) await stageCore(app);
  copyFileSync(path.join(root, "sidecar-image/build/agent.mjs"), path.join(app, "agent.mjs"));
  for (const f of ["entrypoint.sh", "healthcheck.mjs"]) cpSync(path.join(root, "sidecar-image", f), path.join(app, "sidecar-image", f));
  mkdirSync(path.join(dir, "bin"));
  for (const [name, src] of Object.entries(litestreamBinaries())) {
    if (!existsSync(path.resolve(root, src))) throw new Error(`Litestream binary ${src} not found (LITESTREAM, LITESTREAM05?)`);
    copyFileSync(path.resolve(root, src), path.join(dir, "bin", name));
    chmodSync(path.join(dir, "bin", name), 0o755);
  }
  copyFileSync(path.join(root, "sidecar-image/Dockerfile"), path.join(dir, "Dockerfile"));
  writeFileSync(path.join(dir, ".dockerignore"), "Dockerfile\n");
}

/**
 * The core under app/ in the repository's layout: its bundles (the CLI as core/bin/borela.js, where the
 * entrypoint, `borela init` and the demo expect it), core/package.json (type: module), and what the bundles
 * read beside their modules (migrations, dashboard, inspect worker, swagger-ui's files).
 */
async function stageCore(app) {
  const { files, assets } = await bundleCore(app);
  for (const f of files) process.stdout.write(`bundled ${f.file}: ${Math.round(f.bytes / 1e3)} kB\n`);
  for (const p of ["core/package.json", ...assets]) cpSync(path.join(root, p), path.join(app, p), { recursive: true });
  // A drill container (drills/isolation/docker-runner.ts) starts this entry, which runs the bundled child (no tsx here).
  writeFileSync(path.join(app, "core/src/drills/isolation/entry.mjs"), 'import "./drill-child.mjs";\n');
}

export async function buildImage(tagList, options = {}) {
  const agent = Boolean(options.agent);
  const started = Date.now();
  const base = process.env.BASE_IMAGE || LOCAL_BASE;
  if (base.startsWith("borela-base:")) run("bash", ["scripts/build-base-image.sh", base]);
  if (!agent) run(process.execPath, ["scripts/build-dashboard.mjs"]);
  // Before the agent's bundle too: the agent reaches the schema's enums (config.ts → incidents/kinds.ts).
  // Both clients: the core bundle holds the PostgreSQL store too (store/postgres-db.ts), selected by BORELA_DATABASE_URL.
  // Only when missing or older than the schema: tests build images while other tests import the clients.
  await ensurePrismaClients(path.join(root, "core"));
  run(process.execPath, ["--import", "tsx", "core/src/agent/bundle.ts", "sidecar-image/build/agent.mjs"], { stdio: ["ignore", "ignore", "inherit"] });
  const dir = path.join(root, "sidecar-image/build", `context-${process.pid}`);
  try {
    await stage(dir, agent);
    const quiet = options.quiet ? ["ignore", "ignore", "inherit"] : ["ignore", "inherit", "inherit"];
    run("docker", ["build", "--network", "host", "--build-arg", `BASE_IMAGE=${base}`, "--build-arg", `VARIANT=${agent ? "agent" : "full"}`, ...tagList.flatMap((t) => ["-t", t]), dir], { stdio: quiet, timeout: 900_000 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [id, size] = execFileSync("docker", ["image", "inspect", "--format", "{{.Id}} {{.Size}}", tagList[0]], { encoding: "utf8" }).trim().split(" ");
  process.stdout.write(`built ${tagList.join(", ")} (${id}) from ${base}: ${Math.round(Number(size) / 1e6)} MB in ${Math.round((Date.now() - started) / 1000)} s\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  statSync(path.join(root, "node_modules")); // run `npm ci` first
  const { tags, agent } = parseArgs(process.argv.slice(2));
  await buildImage(tags, { agent });
}
