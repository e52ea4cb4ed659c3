// storage/ owns managed replicas: no file in core/src outside core/src/storage/ builds a project's
// storage prefix or a managed URL from a bucket and a prefix. A second builder would drift (the
// agent's URL, the drill's "own prefix" check and the session policy must agree on one prefix).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");
const OWNER = path.join(SRC, "storage") + path.sep;

/** The expressions that build a prefix or a managed URL by hand. */
const BUILDERS: { name: string; pattern: RegExp }[] = [
  { name: "storage prefix built in place", pattern: /storagePrefix\s*:\s*`/ },
  { name: "name slug of the prefix", pattern: /\.replace\(\/\[\^a-z0-9\]\+\/g,\s*"-"\)/ },
  { name: "s3://<bucket>/<prefix> built by hand", pattern: /s3:\/\/\$\{[^}]*bucket\}\/\$\{[^}]*[pP]refix/ },
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "generated" ? [] : sources(full);
    return e.name.endsWith(".ts") ? [full] : [];
  });
}

function builderHits(files: { file: string; text: string }[]): string[] {
  return files.flatMap(({ file, text }) =>
    text.split("\n").flatMap((line, i) => BUILDERS.filter((b) => b.pattern.test(line)).map((b) => `${file}:${i + 1}: ${b.name}`)),
  );
}

describe("managed replicas have one owner", () => {
  it("the patterns catch the builders that used to live outside storage/", () => {
    const old = [
      "storagePrefix: `${body.name.toLowerCase().replace(/[^a-z0-9]+/g, \"-\").replace(/^-|-$/g, \"\") || \"project\"}-${id.slice(-8)}`,",
      "storagePrefix: `demo-${projectId.slice(-8)}`,",
      "  return `s3://${bucket}/${storagePrefix}`;",
      "prefix: s3 ? `s3://${s3.bucket}/${project.storagePrefix}/` : null",
    ];
    expect(builderHits(old.map((text, i) => ({ file: `old${i}`, text })))).toHaveLength(old.length + 1);
  });

  it("no file in core/src outside storage/ builds a storage prefix or a managed URL", () => {
    const files = sources(SRC)
      .filter((f) => !f.startsWith(OWNER))
      .map((f) => ({ file: path.relative(SRC, f), text: readFileSync(f, "utf8") }));
    expect(files.length).toBeGreaterThan(50);
    expect(builderHits(files)).toEqual([]);
  });

  it("the agent imports nothing from storage/ (its bundle stays free of the AWS SDK and Prisma): it takes the URL prefix /agent/config sends", () => {
    const agentFiles = sources(path.join(SRC, "agent")).map((f) => ({ file: path.relative(SRC, f), text: readFileSync(f, "utf8") }));
    expect(agentFiles.length).toBeGreaterThan(10);
    const imports = agentFiles.filter(({ text }) => /from\s+"\.\.\/storage\//.test(text)).map(({ file }) => file);
    expect(imports).toEqual([]);
  });

  it("storage/ holds the builder", () => {
    const text = readFileSync(path.join(OWNER, "managed-replica.ts"), "utf8");
    expect(builderHits([{ file: "managed-replica.ts", text }]).length).toBeGreaterThan(0);
  });
});
