// Issue 17: the core reads S3 through @aws-sdk/client-s3, the agent through the
// small SigV4 signer (its 60 MB budget has no room for the SDK). Checked on the
// import graph from each entry point (static imports, re-exports and literal
// dynamic imports), and on the agent's esbuild bundle itself. The finders are
// tested on samples first.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleAgent } from "../../src/agent/bundle.ts";

const CORE_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

/** Module specifiers a source imports: `import … from "x"`, `export … from "x"`, `import "x"`, `import("x")`; comment lines skipped. */
export function importSpecifiers(text: string): string[] {
  const code = text
    .split("\n")
    .filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line))
    .join("\n");
  const found = [...code.matchAll(/(?:^|[\s;])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']/g), ...code.matchAll(/\bimport\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);
  return [...new Set(found)];
}

/** Files reachable from `entry` (relative to core/src) through relative imports, with each file's package imports. */
export function reachable(entry: string, read: (rel: string) => string | null): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  for (let i = 0; i < queue.length && i < 5000; i++) {
    const rel = queue[i];
    if (seen.has(rel)) continue;
    const text = read(rel);
    if (text === null) continue;
    const specs = importSpecifiers(text);
    seen.set(rel, specs.filter((s) => !s.startsWith(".")));
    for (const s of specs.filter((s) => s.startsWith("."))) queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(rel), s)));
  }
  return seen;
}

const readSource = (rel: string) => {
  const file = path.join(CORE_SRC, rel);
  return rel.endsWith(".ts") && existsSync(file) ? readFileSync(file, "utf8") : null;
};

const SIGNER = "litestream/s3-signer.ts";
const SDK_TRANSPORT = "storage/s3-sdk-objects.ts";
const AGENT_ENTRIES = ["agent/main.ts", "commands/agent.ts"];
const CORE_ENTRIES = ["server/start.ts", "commands/serve.ts", "commands/worker.ts", "commands/drill.ts", "commands/restore.ts", "freshness/storage-listing.ts", "drills/run-drill.ts", "drills/restore-database.ts"];

describe("finders, on samples", () => {
  it("importSpecifiers reads static, re-exported, side-effect and dynamic imports, not comments", () => {
    const sample = [
      'import { a } from "./a.ts";',
      'import type { B } from "../b.ts";',
      'export { c } from "./c.ts";',
      'import "./side.ts";',
      'const d = await import("./d.ts");',
      'import {\n  e,\n  f,\n} from "@aws-sdk/client-s3";',
      '// import { g } from "./g.ts";',
    ].join("\n");
    expect(importSpecifiers(sample).sort()).toEqual(["../b.ts", "./a.ts", "./c.ts", "./d.ts", "./side.ts", "@aws-sdk/client-s3"].sort());
  });

  it("reachable follows relative imports and records package imports", () => {
    const files: Record<string, string> = {
      "top/entry.ts": 'import { x } from "../mid/x.ts";',
      "mid/x.ts": 'import { y } from "./y.ts";\nimport { S3Client } from "@aws-sdk/client-s3";',
      "mid/y.ts": "export const y = 1;",
      "mid/unused.ts": 'import "@smithy/x";',
    };
    const graph = reachable("top/entry.ts", (rel) => files[rel] ?? null);
    expect([...graph.keys()].sort()).toEqual(["mid/x.ts", "mid/y.ts", "top/entry.ts"]);
    expect(graph.get("mid/x.ts")).toEqual(["@aws-sdk/client-s3"]);
  });
});

describe("S3 transports: the SDK on the core's side, the signer on the agent's", () => {
  it("the agent reaches neither the SDK transport, nor storage/, nor any @aws-sdk or @smithy package", () => {
    for (const entry of AGENT_ENTRIES) {
      const graph = reachable(entry, readSource);
      expect(graph.size).toBeGreaterThan(10);
      expect(graph.has(SIGNER), `${entry} reads S3 through the signer`).toBe(true);
      expect([...graph.keys()].filter((f) => f.startsWith("storage/"))).toEqual([]);
      expect([...graph].filter(([, pkgs]) => pkgs.some((p) => /^@aws-sdk\/|^@smithy\//.test(p))).map(([f]) => f)).toEqual([]);
    }
  });

  it("no file under core/src/agent imports the SDK transport or storage/", () => {
    const agentFiles = [...reachable("agent/main.ts", readSource).keys()].filter((f) => f.startsWith("agent/"));
    const offending = agentFiles.filter((f) => importSpecifiers(readSource(f)!).some((s) => s.includes("s3-sdk-objects") || s.includes("/storage/")));
    expect(offending).toEqual([]);
  });

  it("the core's entry points reach the SDK transport and never the signer", () => {
    for (const entry of CORE_ENTRIES) {
      const graph = reachable(entry, readSource);
      expect(graph.has(entry), `${entry} exists`).toBe(true);
      expect(graph.has(SIGNER), `${entry} must not reach ${SIGNER}: ${[...graph.keys()].filter((f) => importSpecifiers(readSource(f)!).some((s) => /s3-objects|s3-signer|client\/signed/.test(s))).join(", ")}`).toBe(false);
    }
    for (const entry of ["commands/drill.ts", "commands/restore.ts", "server/start.ts"]) expect(reachable(entry, readSource).has(SDK_TRANSPORT), entry).toBe(true);
  });

  it("the agent's bundle holds the signer and no SDK", async () => {
    const dir = await mkdtemp(path.join(CORE_SRC, "..", ".agent-bundle-"));
    try {
      const out = path.join(dir, "agent.mjs");
      await bundleAgent(out);
      const bundle = await readFile(out, "utf8");
      expect(bundle).toContain("AWS4-HMAC-SHA256");
      expect(bundle).not.toMatch(/ListObjectsV2Command|GetObjectCommand|NodeHttpHandler|S3ServiceException/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
