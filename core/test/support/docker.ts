// Docker for tests: the engine (started without bridges by scripts/ensure-docker.sh),
// the local base image (a slim Debian root + this machine's node), and the Borela image
// built from sidecar-image/Dockerfile, cached by a hash of its inputs.
// Every container runs with host networking.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../../..");
export const BASE_IMAGE = "borela-base:slim-node24"; // the base `npm run image` builds on (scripts/build-base-image.sh)

let ready = false;
export function ensureDocker(): void {
  if (ready) return;
  execFileSync("bash", [path.join(root, "scripts/ensure-docker.sh")], { stdio: "inherit" });
  execFileSync("bash", [path.join(root, "scripts/build-base-image.sh"), BASE_IMAGE], { stdio: "inherit", timeout: 900_000 });
  ready = true;
}

function hashTree(hash: ReturnType<typeof createHash>, dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === "test" || entry.name === "generated" || entry.name === "build") continue;
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) hashTree(hash, p);
    else hash.update(p).update(readFileSync(p));
  }
}

/**
 * Builds borela/borela:<hash> (and :latest) with `npm run image`'s script unless an image of the same inputs
 * exists; returns its tag. Test files running at once share one build (a lock directory, bounded wait).
 */
export function buildBorelaImage(): string {
  ensureDocker();
  const hash = createHash("sha256");
  for (const dir of ["core/src", "core/prisma", "core/bin", "sidecar-image"]) hashTree(hash, path.join(root, dir));
  hash.update(readFileSync(path.join(root, "package-lock.json")));
  for (const script of ["scripts/build-image.mjs", "scripts/bundle-core.mjs"]) hash.update(readFileSync(path.join(root, script)));
  const tag = `borela/borela:${hash.digest("hex").slice(0, 12)}`;
  const exists = () => spawnSync("docker", ["image", "inspect", tag], { stdio: "ignore" }).status === 0;
  if (exists()) return tag;
  const lock = path.join(root, "sidecar-image/build/.lock");
  mkdirSync(path.dirname(lock), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 20 minutes is a crashed build's.
      const age = (() => {
        try {
          return Date.now() - statSync(lock).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if (i >= 450 || age > 1_200_000) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      spawnSync("sleep", ["2"]);
      if (exists()) return tag;
    }
  }
  try {
    if (!exists()) {
      execFileSync(process.execPath, [path.join(root, "scripts/build-image.mjs"), "--tag", tag, "--tag", "borela/borela:latest"], {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
        timeout: 900_000,
      });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return tag;
}

export function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8" }).trim();
}

/** Runs a detached container on the host network; returns its id. */
export function runContainer(
  image: string,
  options: { env?: Record<string, string>; mounts?: string[]; args?: string[]; user?: string; entrypoint?: string; healthInterval?: string },
): string {
  const flags = ["run", "-d", "--network", "host"];
  if (options.healthInterval) flags.push("--health-interval", options.healthInterval, "--health-start-period", "1s");
  for (const [k, v] of Object.entries(options.env ?? {})) flags.push("-e", `${k}=${v}`);
  for (const m of options.mounts ?? []) flags.push("-v", m);
  if (options.user) flags.push("--user", options.user);
  if (options.entrypoint) flags.push("--entrypoint", options.entrypoint);
  return docker(...flags, image, ...(options.args ?? []));
}

export function removeContainer(id: string): void {
  // -v: the image declares VOLUME /data, so every run leaves an anonymous volume unless removed with it.
  spawnSync("docker", ["rm", "-f", "-v", id], { stdio: "ignore" });
}
