// What the CLI prints from an agent, a replica or the store reaches no terminal raw: `borela drill run --wait`
// prints a drill's warnings, error and table names through terminal-text.ts, so the tester's table
// name (set the window title, clear the screen, turn red) shows as visible escapes, even when an older core
// or a row stored before the ingest checks serves it raw.
import { describe, expect, it } from "vitest";
import { printLine, terminalSafe } from "../../src/terminal-text.ts";
import { outcomeLines, type DrillJson } from "../../src/commands/drill.ts";
import { emptyReport } from "../../src/drills/report.ts";
import { prettyLogLine } from "../../src/log-lines.ts";

const TITLE_AND_CLEAR = "\u001b]0;PWNED\u0007\u001b[2J\u001b[31mFAKE: drill passed";
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function printed(lines: string[]): string {
  let out = "";
  const stream = { write: (s: string) => (out += s) };
  for (const line of lines) printLine(stream, line);
  return out;
}

describe("terminalSafe", () => {
  it("shows C0, DEL, C1, line separators and bidi controls as visible escapes and leaves the rest", () => {
    expect(terminalSafe(TITLE_AND_CLEAR)).toBe("\\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mFAKE: drill passed");
    expect(terminalSafe("a\nb\r\tc\u007f\u0085\u009b\u2028\u202e\u2066")).toBe("a\\x0ab\\x0d\\x09c\\x7f\\x85\\x9b\\u2028\\u202e\\u2066");
    expect(terminalSafe("users ünïcode → 日本 \ufffd")).toBe("users ünïcode → 日本 \ufffd");
  });
});

describe("borela drill run --wait", () => {
  it("prints a raw stored report's error, table names and warnings escaped, one line each", () => {
    const view: DrillJson = {
      id: "d1",
      database: "app",
      status: "failed",
      queuedAt: new Date().toISOString(),
      progress: [],
      report: {
        ...emptyReport("app", null, null),
        restoreSeconds: 0.5,
        restoredBytes: 4096,
        tables: { [TITLE_AND_CLEAR]: 1 },
        warnings: [`table ${TITLE_AND_CLEAR} has 1 rows in the backup but 2 in the live database`, "line\nFAKE: PASSED"],
        error: `restore failed\u001b[2K\u202e`,
      },
    };
    const out = printed(outcomeLines(view));
    expect(out).not.toMatch(RAW);
    expect(out.split("\n")).toHaveLength(outcomeLines(view).length + 1);
    expect(out).toContain("[app] FAILED: restore failed\\x1b[2K\\u202e\n");
    expect(out).toContain("  warning: table \\x1b]0;PWNED\\x07\\x1b[2J\\x1b[31mFAKE: drill passed has 1 rows");
    expect(out).toContain("  warning: line\\x0aFAKE: PASSED\n");
  });
});

describe("borela serve's readable log lines in a terminal", () => {
  it("show a logged escape as text: pino's JSON carries it as \\u001b and JSON.parse would make it real", () => {
    const line = JSON.stringify({ level: 40, time: 0, msg: `drill warning: table ${TITLE_AND_CLEAR}`, table: TITLE_AND_CLEAR, note: "\u202eexe" });
    const shown = prettyLogLine(line);
    expect(shown).not.toMatch(RAW);
    expect(shown).toContain("drill warning: table \\x1b]0;PWNED\\x07\\x1b[2J");
    expect(shown).toContain("note=\\u202eexe");
    expect(prettyLogLine("plain \u001b[2J")).toBe("plain \\x1b[2J");
  });
});
