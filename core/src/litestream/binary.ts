// Where the Litestream binary is, and which version it is.
//
//   resolveLitestreamBin(override?: string | null): string
//     override (LITESTREAM_BIN, read by the caller's config) → the binary shipped
//     by the npm package @flydotio/litestream-<platform>-<arch> → `litestream` on PATH.
//   litestreamVersion(bin: string, timeoutMs = 10_000): Promise<string>   e.g. "v0.3.13"
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

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

function onPath(searchPath: string | undefined): string | null {
  for (const dir of (searchPath ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const bin = path.join(dir, "litestream");
    if (isExecutable(bin)) return bin;
  }
  return null;
}

export function resolveLitestreamBin(override?: string | null, searchPath = process.env.PATH): string {
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
