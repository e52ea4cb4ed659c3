// A small JSON file that a reader (a container HEALTHCHECK) polls: written to a temp file beside it and
// renamed, so a reader never sees half a file. The agent's status file and `borela worker`'s use it.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/** Writes `value` as one JSON line to `file` (mode 0644), creating its directory. Rejects with the fs error. */
export async function writeJsonFile(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}
