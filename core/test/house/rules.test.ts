// The house rules of issue 17, checked by reading the source: one `it` per rule.
// Each rule is a pure finder over {path, text} files, so the finders are tested
// on samples too (a rule that can never fail proves nothing).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CORE_SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../src");

interface SourceFile {
  /** Relative to core/src, with forward slashes. */
  path: string;
  text: string;
}

/** Every .ts file under core/src/<dir> (generated code excluded). */
function sources(dir = ""): SourceFile[] {
  const root = path.join(CORE_SRC, dir);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .map((file) => ({ path: path.relative(CORE_SRC, file).split(path.sep).join("/"), text: readFileSync(file, "utf8") }))
    .filter((f) => !f.path.startsWith("generated/"));
}

/** "file:line: text" for each line matching the pattern. */
function linesMatching(files: SourceFile[], pattern: RegExp): string[] {
  return files.flatMap((f) => f.text.split("\n").flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));
}

/** Rule: request parts are typed by the route's schema (TypeBox type provider), never cast. */
const STATIC_CAST = /\bas\s+Static\s*</;

/** Rule: the environment is read only by the core's config.ts and the agent's settings module; the rest receives values. */
const ENV_READERS = ["config.ts", "agent/settings.ts"];
const PROCESS_ENV = /\bprocess\s*(\.\s*env\b|\[\s*["'`]env["'`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

/** Reads of the process's environment outside ENV_READERS; comment lines are not reads. */
function envReadsOutsideReaders(files: SourceFile[]): string[] {
  const code = files
    .filter((f) => !ENV_READERS.includes(f.path))
    .map((f) => ({ ...f, text: f.text.split("\n").map((line) => (/^\s*(\/\/|\*|\/\*)/.test(line) ? "" : line)).join("\n") }));
  return linesMatching(code, PROCESS_ENV);
}

/** Variables the two environment readers name: `env.NAME` and `(env, "NAME"` (env-parse's readInt). */
function variablesRead(text: string): string[] {
  const names = [...text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g), ...text.matchAll(/\(env, "([A-Z][A-Z0-9_]*)"/g)].map((m) => m[1]);
  return [...new Set(names)].sort();
}

/** Names in the first column of README's tables (`| \`A\`, \`B\` | …`). */
function readmeTableVariables(readme: string): Set<string> {
  const firstCells = readme.split("\n").filter((l) => l.startsWith("| `")).map((l) => l.split("|")[1]);
  return new Set(firstCells.flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1])));
}

describe("house rules (issue 17)", () => {
  it("the finders see what they look for", () => {
    const sample = [{ path: "server/routes/x.ts", text: "const a = 1;\n  const { id } = request.params as Static<typeof IdParams>;\n" }];
    expect(linesMatching(sample, STATIC_CAST)).toEqual(["server/routes/x.ts:2: const { id } = request.params as Static<typeof IdParams>;"]);
    expect(linesMatching([{ path: "y.ts", text: "function f(body: Static<typeof Body>) {}" }], STATIC_CAST)).toEqual([]);
    expect(sources("server").length).toBeGreaterThan(10);
  });

  it("no `as Static<` cast in core/src/server/", () => {
    expect(linesMatching(sources("server"), STATIC_CAST)).toEqual([]);
  });

  it("process.env is read only in core/src/config.ts and core/src/agent/settings.ts", () => {
    const samples: SourceFile[] = [
      { path: "litestream/x.ts", text: "// spread over process.env\nconst env = { ...process.env, A: 1 };\nconst p = process['env'].PATH;\nconst { env: e } = process;\nfoo(environment.PATH);" },
      { path: "config.ts", text: "export function f(env = process.env) {}" },
      { path: "agent/settings.ts", text: "return process.env;" },
    ];
    expect(envReadsOutsideReaders(samples)).toEqual([
      "litestream/x.ts:2: const env = { ...process.env, A: 1 };",
      "litestream/x.ts:3: const p = process['env'].PATH;",
      "litestream/x.ts:4: const { env: e } = process;",
    ]);
    expect(envReadsOutsideReaders(sources())).toEqual([]);
  });

  it("every environment variable config.ts and agent/settings.ts read has a row in README's configuration tables", () => {
    expect(variablesRead('const a = env.BORELA_X; readInt(env, "BORELA_Y", 1); env.lower; env.BORELA_X')).toEqual(["BORELA_X", "BORELA_Y"]);
    expect([...readmeTableVariables("| `A`, `B_C` | x | `D` |\nsee `E`\n")]).toEqual(["A", "B_C"]);
    const read = ENV_READERS.flatMap((file) => variablesRead(readFileSync(path.join(CORE_SRC, file), "utf8")));
    expect(read.length).toBeGreaterThan(40);
    const documented = readmeTableVariables(readFileSync(path.join(CORE_SRC, "../../README.md"), "utf8"));
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });
});
