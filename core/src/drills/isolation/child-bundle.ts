// The isolated child (child.ts and what it imports) bundled into one ESM
// file that starts on plain node: the tsx loader alone costs the child ~1.5 s
// of start-up on a 2-core machine. Built with esbuild in memory once per
// process (~0.1 s), then kept by content hash under node_modules/.cache, where
// better-sqlite3 (external, native) still resolves; inspect-worker.mjs sits
// beside it, since check-pool.ts finds the worker next to its own module.
//
//   bundledChildEntry(): Promise<string | null>
//     drill-child.mjs beside this module when it exists (the image's, built ahead of time by
//     scripts/bundle-core.mjs: the image has no esbuild), else the bundle's path (world-readable: the child may run as nobody), or null
//     when it cannot be built or written (read-only install, no esbuild): the
//     caller then starts entry.mjs with tsx, as before.
import { createHash } from "node:crypto";
import { chmod, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./child.ts", import.meta.url));
const WORKER = fileURLToPath(new URL("../inspect-worker.mjs", import.meta.url));
const PREBUILT = fileURLToPath(new URL("./drill-child.mjs", import.meta.url));

let built: Promise<string | null> | null = null;

export function bundledChildEntry(): Promise<string | null> {
  built ??= stat(PREBUILT).then(() => PREBUILT, () => buildChild()).catch(() => null);
  return built;
}

async function writeReadable(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await chmod(tmp, 0o644);
  await rename(tmp, file);
}

async function buildChild(): Promise<string> {
  const esbuild = await import("esbuild");
  const out = await esbuild.build({
    entryPoints: [CHILD],
    bundle: true,
    write: false,
    platform: "node",
    format: "esm",
    target: "node20",
    external: ["better-sqlite3"],
    logLevel: "silent",
  });
  const code = out.outputFiles[0].contents;
  const worker = await readFile(WORKER);
  const hash = createHash("sha256").update(code).update(worker).digest("hex").slice(0, 16);
  const modules = path.dirname(path.dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json")));
  const cache = path.join(modules, ".cache", "borela-drill-child");
  const dir = path.join(cache, hash);
  const entry = path.join(dir, "child.mjs");
  if (await stat(entry).then(() => true, () => false)) return entry;
  await mkdir(dir, { recursive: true });
  for (const d of [path.dirname(cache), cache, dir]) await chmod(d, 0o755).catch(() => undefined);
  await writeReadable(path.join(dir, "inspect-worker.mjs"), worker);
  // The entry last: once it exists, the directory is complete.
  await writeReadable(entry, code);
  return entry;
}
