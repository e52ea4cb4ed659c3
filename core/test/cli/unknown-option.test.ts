// A mistyped flag says which flag and which --help to read, the same way for every command (issue 14).
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseFlags, UnknownOptionError } from "../../src/commands/args.ts";
import { commandPath, main } from "../../src/cli.ts";

afterEach(() => vi.restoreAllMocks());

async function stderrOf(argv: string[]): Promise<{ code: number; err: string }> {
  let err = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
  const code = await main(argv);
  return { code, err };
}

describe("unknown options", () => {
  it("parseFlags names the flag without Node's wording", () => {
    for (const args of [["--wiat"], ["demo", "--wiat=1"], ["-x"]]) {
      let caught: unknown;
      try {
        parseFlags(args, { wait: { type: "boolean" } });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UnknownOptionError);
      expect((caught as UnknownOptionError).option).toBe(args.at(-1)!.split("=")[0]);
      expect((caught as Error).message).not.toMatch(/Unknown option '|positional/);
    }
  });

  it("names the subcommand's help when the first argument is one", () => {
    expect(commandPath("drill", ["run", "demo", "--wiat"])).toBe("drill run");
    expect(commandPath("drill", ["--wiat"])).toBe("drill");
    expect(commandPath("serve", ["run"])).toBe("serve");
  });

  it("prints one line and exits 2 for drill run, serve, demo and restore alike", async () => {
    expect(await stderrOf(["drill", "run", "demo", "--wiat"])).toEqual({ code: 2, err: "borela drill: unknown option --wiat (see borela drill run --help)\n" });
    expect(await stderrOf(["drill", "list", "demo", "--limt", "3"])).toEqual({ code: 2, err: "borela drill: unknown option --limt (see borela drill list --help)\n" });
    expect(await stderrOf(["serve", "--colour"])).toEqual({ code: 2, err: "borela serve: unknown option --colour (see borela serve --help)\n" });
    expect(await stderrOf(["demo", "--rest"])).toEqual({ code: 2, err: "borela demo: unknown option --rest (see borela demo --help)\n" });
    expect(await stderrOf(["restore", "demo", "--outptu", "x"])).toEqual({ code: 2, err: "borela restore: unknown option --outptu (see borela restore --help)\n" });
  });
});
