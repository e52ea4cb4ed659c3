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

/** Rule: incident rows and their transitions (the outbox) are written only in core/src/incidents/ (Prisma writes, nested writes, raw SQL). */
const INCIDENT_WRITE = new RegExp(
  [
    String.raw`\.incident(Transition)?\s*\.\s*(create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\b`,
    String.raw`\b(incidents?|transitions)\s*:\s*\{\s*(create|createMany|connectOrCreate|update|updateMany|upsert|delete|deleteMany|set)\b`,
    String.raw`\b(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(\s+OR\s+\w+)?|DELETE\s+FROM)\s+["'\x60\[]?Incident(Transition)?\b`,
  ].join("|"),
  "g",
);

/** "file:line: text" for each incident write outside core/src/incidents/ (a match may span lines). */
function incidentWritesOutside(files: SourceFile[]): string[] {
  return files
    .filter((f) => !f.path.startsWith("incidents/"))
    .flatMap((f) =>
      [...f.text.matchAll(INCIDENT_WRITE)].map((m) => {
        const line = f.text.slice(0, m.index).split("\n").length;
        return `${f.path}:${line}: ${f.text.split("\n")[line - 1].trim()}`;
      }),
    );
}

/** Rule: alerts/ reaches nothing in server/, drills/ or freshness/, directly or through the modules it imports. */
const BELOW_ALERTS_FORBIDDEN = /^(server|drills|freshness)\//;
const IMPORT_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g;

/** Relative imports of one file, resolved against core/src ("alerts/x.ts" importing "../store/db.ts" → "store/db.ts"). */
function importsOf(file: SourceFile): string[] {
  return [...file.text.matchAll(IMPORT_SPECIFIER)]
    .map((m) => m[1])
    .filter((spec) => spec.startsWith("."))
    .map((spec) => path.posix.normalize(path.posix.join(path.posix.dirname(file.path), spec)));
}

/** Import chains ("alerts/a.ts -> config.ts -> server/x.ts") from files under `from` to a forbidden folder. */
function forbiddenChains(files: SourceFile[], from: string, forbidden: RegExp): string[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const queue = files.filter((f) => f.path.startsWith(from)).map((f) => [f.path]);
  const chains: string[] = [];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    const file = byPath.get(chain[chain.length - 1]);
    if (!file || seen.has(file.path)) continue;
    seen.add(file.path);
    for (const target of importsOf(file)) {
      if (forbidden.test(target)) chains.push([...chain, target].join(" -> "));
      else queue.push([...chain, target]);
    }
  }
  return chains;
}

/** Rule: small files, one concept each: no file in core/src/ (generated code excluded) over MAX_LINES lines. */
const MAX_LINES = 300;

/** "file: N lines" for each file over the limit; a trailing newline ends the last line, it does not add one. */
function filesOverLimit(files: SourceFile[], max = MAX_LINES): string[] {
  return files.flatMap((f) => {
    const lines = f.text.split("\n").length - (f.text.endsWith("\n") ? 1 : 0);
    return lines > max ? [`${f.path}: ${lines} lines`] : [];
  });
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

  it("core/src/incidents/ is the only code that creates, changes or resolves incident rows (and writes their transitions)", () => {
    const samples: SourceFile[] = [
      { path: "freshness/x.ts", text: "await store.incident.update({ where });\nawait tx.incident\n  .updateMany({});\nstore.incident.findFirst({});" },
      { path: "store/y.ts", text: 'db.prepare("UPDATE Incident SET resolvedAt = ?");\nawait store.project.update({ data: { incidents: { create: {} } } });\n// SELECT * FROM Incident' },
      { path: "alerts/z.ts", text: 'store.incidentTransition.deleteMany({});\nINSERT INTO "IncidentTransition" (id) VALUES (1)\nstore.incidentTransition.findMany({});' },
      { path: "incidents/open-resolve.ts", text: "await store.incident.create({ data });" },
    ];
    expect(incidentWritesOutside(samples)).toEqual([
      "freshness/x.ts:1: await store.incident.update({ where });",
      "freshness/x.ts:2: await tx.incident",
      'store/y.ts:1: db.prepare("UPDATE Incident SET resolvedAt = ?");',
      "store/y.ts:2: await store.project.update({ data: { incidents: { create: {} } } });",
      "alerts/z.ts:1: store.incidentTransition.deleteMany({});",
      'alerts/z.ts:2: INSERT INTO "IncidentTransition" (id) VALUES (1)',
    ]);
    expect(incidentWritesOutside(sources())).toEqual([]);
    expect(sources("incidents").length).toBeGreaterThan(0);
  });

  it("no import from core/src/alerts/ reaches core/src/server/, core/src/drills/ or core/src/freshness/", () => {
    const samples: SourceFile[] = [
      { path: "alerts/a.ts", text: 'import { x } from "./b.ts";\nimport type { C } from "../config.ts";' },
      { path: "alerts/b.ts", text: 'export { f } from "../words/f.ts";\nconst m = await import("../drills/disk.ts");' },
      { path: "config.ts", text: 'import { p } from "./server/trust-proxy.ts";' },
      { path: "words/f.ts", text: 'import { g } from "node:fs";' },
    ];
    expect(forbiddenChains(samples, "alerts/", BELOW_ALERTS_FORBIDDEN).sort()).toEqual([
      "alerts/a.ts -> config.ts -> server/trust-proxy.ts",
      "alerts/b.ts -> drills/disk.ts",
    ]);
    expect(forbiddenChains(sources(), "alerts/", BELOW_ALERTS_FORBIDDEN)).toEqual([]);
  });

  it("no file in core/src/ is over 300 lines (generated code excluded)", () => {
    const samples: SourceFile[] = [
      { path: "a.ts", text: "x\n".repeat(3) },
      { path: "b.ts", text: "x\n".repeat(4) },
      { path: "c.ts", text: "x\n".repeat(3) + "x" },
    ];
    expect(filesOverLimit(samples, 3)).toEqual(["b.ts: 4 lines", "c.ts: 4 lines"]);
    expect(sources().some((f) => f.path.startsWith("generated/"))).toBe(false);
    expect(filesOverLimit(sources())).toEqual([]);
  });
});
