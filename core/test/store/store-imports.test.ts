// The store is the floor the heartbeat path stands on: route → store ingest →
// freshness evaluate → incidents → alerts. The store reaching back up into
// freshness/ or server/ makes a loop (the old heartbeat-writer.ts imported
// freshness/sweeper.ts for its SweepInput type), so this reads the imports.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const STORE = path.resolve(import.meta.dirname, "../../src/store");
const ABOVE = /^\.\.\/(freshness|server)\//;

/** "file: specifier" for each import or re-export of a module above the store (type-only imports count too). */
function importsAbove(files: { name: string; text: string }[]): string[] {
  return files.flatMap((f) =>
    [...f.text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"/gm)].filter((m) => ABOVE.test(m[1])).map((m) => `${f.name}: ${m[1]}`),
  );
}

describe("store/ imports nothing from freshness/ or server/", () => {
  it("holds for every file in core/src/store", () => {
    const files = readdirSync(STORE)
      .filter((n) => n.endsWith(".ts"))
      .map((name) => ({ name, text: readFileSync(path.join(STORE, name), "utf8") }));
    expect(files.map((f) => f.name)).toContain("heartbeat-ingest.ts");
    expect(importsAbove(files)).toEqual([]);
  });

  it("finds the old heartbeat writer's import of the sweeper", () => {
    const old = { name: "heartbeat-writer.ts", text: `import { storeTime } from "./time.ts";\nimport type { SweepInput } from "../freshness/sweeper.ts";\n` };
    expect(importsAbove([old])).toEqual(["heartbeat-writer.ts: ../freshness/sweeper.ts"]);
  });
});
