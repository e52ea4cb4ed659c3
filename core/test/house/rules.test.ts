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
});
