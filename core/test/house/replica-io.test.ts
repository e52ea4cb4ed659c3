// Litestream's storage layout and S3 access sit in one place: the replica clients (core/src/litestream/client/).
// The readers above them (the agent's 0.3 reader replica-reader.ts, its 0.5 reader ltx-state.ts, drills,
// the storage listing) ask a ReplicaClient for files and never list or fetch S3 objects themselves; the
// agent's clients reach S3 through the small signer (client/signed.ts), the core's through the SDK
// (storage/replica-clients.ts). Checked on the source text of every file under core/src.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const CORE_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

function sources(dir = CORE_SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(full);
    return e.name.endsWith(".ts") ? [path.relative(CORE_SRC, full)] : [];
  });
}

/** Source text without comment lines. */
const code = (text: string) => text.split("\n").filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line)).join("\n");
const files = sources().map((rel) => ({ rel, text: code(readFileSync(path.join(CORE_SRC, rel), "utf8")) }));
/** Relative module specifiers of the file's import and export-from statements. */
const imports = (text: string) => [...text.matchAll(/\b(?:import|export)\b[^"'`;]*?from\s*["']([^"']+)["']/g)].map((m) => m[1]);

it("only the S3 replica client calls a transport to list or fetch objects", () => {
  const calling = files.filter((f) => /\.(listObjects|getObject)\(/.test(f.text)).map((f) => f.rel);
  expect(calling).toEqual(["litestream/client/s3.ts"]);
});

it("only the clients' openers import an S3 transport's implementation", () => {
  const importing = files
    .filter((f) => imports(f.text).some((s) => /\/s3-objects\.ts$|\/s3-sdk-objects\.ts$/.test(s)))
    .map((f) => f.rel)
    .sort();
  expect(importing).toEqual(["litestream/client/signed.ts", "storage/replica-clients.ts"].sort());
});

it("the 0.3 reader reads through the agent's replica client", () => {
  const reader = files.find((f) => f.rel === "litestream/replica-reader.ts")!;
  expect(imports(reader.text)).toContain("./client/signed.ts");
  expect(reader.text).not.toMatch(/generations\/`|S3Store|s3-transport/);
});
