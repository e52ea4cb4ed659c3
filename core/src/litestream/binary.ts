// Where the Litestream binary is, and which version it is.
//
//   resolveLitestreamBin(override?: string | null, searchPath?): string
//     override (LITESTREAM_BIN, read by the caller's config) → the binary shipped
//     by the npm package @flydotio/litestream-<platform>-<arch> → `litestream` on PATH.
//     searchPath: the PATH to look in, as config.ts read it (Config.searchPath; omitted: processEnv()'s).
//   resolveLitestreamBinFor(line: "0.3" | "0.5", override?, searchPath?): string
//     override (LITESTREAM_BIN) → for 0.3: as above; for 0.5: the build of
//     scripts/install-litestream05.sh (.tools/bin/litestream-0.5 in the repository)
//     → `litestream-0.5` on PATH. Throws LitestreamNotFoundError naming how to get it.
//   findLitestreamBinaries(searchPath?): Promise<FoundBinary[]>   every line found, with its version
//   litestreamVersion(bin: string, timeoutMs = 10_000): Promise<string>   e.g. "v0.3.13"
//   litestreamLine(version: string): "0.3" | "0.5" | null   "v0.5.16" → "0.5"   pure
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { processEnv } from "../config.ts";

export type LitestreamLine = "0.3" | "0.5";

export interface FoundBinary {
  line: LitestreamLine;
  path: string;
  /** What `litestream version` printed, e.g. "v0.5.16"; null when it would not run. */
  version: string | null;
}

export class LitestreamNotFoundError extends Error {}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function npmBinary(): string | null {
  const pkg = `@flydotio/litestream-${process.platform}-${process.arch}`;
  try {
    const dir = path.dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`));
    const bin = path.join(dir, "litestream");
    return isExecutable(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** The repository's git-ignored tool dir, found upwards from this file (source or built layout). */
function toolsBinary(name: string): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const bin = path.join(dir, ".tools", "bin", name);
    if (isExecutable(bin)) return bin;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return null;
}

function onPath(searchPath: string | undefined, name = "litestream"): string | null {
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const bin = path.join(dir, name);
    if (isExecutable(bin)) return bin;
  }
  return null;
}

export function resolveLitestreamBin(override?: string | null, searchPath = processEnv().searchPath): string {
  if (override) {
    if (!isExecutable(override)) throw new LitestreamNotFoundError(`LITESTREAM_BIN=${override} is not an executable file`);
    return override;
  }
  const found = npmBinary() ?? onPath(searchPath);
  if (!found) {
    throw new LitestreamNotFoundError(
      `litestream not found: install @flydotio/litestream, put litestream on PATH, or set LITESTREAM_BIN`,
    );
  }
  return found;
}

export function resolveLitestreamBinFor(line: LitestreamLine, override?: string | null, searchPath = processEnv().searchPath): string {
  if (line === "0.3" || override) return resolveLitestreamBin(override, searchPath);
  const found = toolsBinary("litestream-0.5") ?? onPath(searchPath, "litestream-0.5");
  if (!found) {
    throw new LitestreamNotFoundError(
      `litestream 0.5 not found: run scripts/install-litestream05.sh (builds it with Go into .tools/bin), put litestream-0.5 on PATH, or set LITESTREAM_BIN`,
    );
  }
  return found;
}

export function litestreamLine(version: string): LitestreamLine | null {
  const m = version.match(/^v?0\.(\d+)\./);
  if (!m) return null;
  return m[1] === "3" ? "0.3" : Number(m[1]) >= 5 ? "0.5" : null;
}

export async function findLitestreamBinaries(searchPath = processEnv().searchPath): Promise<FoundBinary[]> {
  const found: FoundBinary[] = [];
  for (const line of ["0.3", "0.5"] as const) {
    let bin: string;
    try {
      bin = resolveLitestreamBinFor(line, null, searchPath);
    } catch {
      continue;
    }
    found.push({ line, path: bin, version: await litestreamVersion(bin).catch(() => null) });
  }
  return found;
}

export function litestreamVersion(bin: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ["version"], { timeout: timeoutMs }, (err, stdout) => {
      if (err) return reject(new Error(`${bin} version failed: ${err.message}`));
      const version = stdout.trim().split(/\s+/)[0];
      if (!version) return reject(new Error(`${bin} version printed nothing`));
      resolve(version);
    });
  });
}
