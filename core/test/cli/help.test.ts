// `--help` for every command and subcommand comes from the one command table
// (src/commands/table.ts): exit 0 and a `Usage:` line, through the real CLI entry.
// The old code answered "Unknown option '--help'" (exit 2) for worker, restore, demo,
// discover, drill run and drill list, and a usage error for drill and init.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { INIT_KINDS } from "../../src/snippets/render.ts";

const BIN = path.resolve(import.meta.dirname, "../../bin/borela.js");
const borela = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", timeout: 30_000 });

describe("borela --help", () => {
  it.each([["serve"], ["worker"], ["agent"], ["drill"], ["drill", "run"], ["drill", "list"], ["restore"], ["demo"], ["init"], ["discover"]])(
    "borela %s … --help exits 0 with a Usage: line naming the command",
    (...command) => {
      const res = borela(...command, "--help");
      expect(res.stderr).toBe("");
      expect(res.status).toBe(0);
      const usage = res.stdout.split("\n").find((l) => l.startsWith("Usage: "));
      expect(usage).toContain(`borela ${command.join(" ")}`);
    },
  );

  it("-h works too, and after other arguments", () => {
    const res = borela("drill", "run", "demo", "--wait", "-h");
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/^Usage: borela drill run <project>/);
  });

  it("the top-level help lists every init target the error message names", () => {
    const top = borela("--help");
    expect(top.status).toBe(0);
    const bad = borela("init", "nope");
    expect(bad.status).toBe(2);
    const named = /init needs one of (.*), not "nope"/.exec(bad.stderr)![1].split(", ");
    expect(named).toEqual([...INIT_KINDS]);
    const listed = /init ([a-z|-]+) --database/.exec(top.stdout)![1].split("|");
    expect(listed).toEqual(named);
  });
});
