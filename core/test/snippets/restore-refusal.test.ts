import { describe, expect, it } from "vitest";
import { restoreCommands } from "../../src/snippets/restore-commands.ts";
import { ltxBelowReplica } from "../../src/drills/decisions.ts";
import { FORCE_NOTE, LTX_DAMAGE_NOTE, LTX_NEWEST_MISSING_NOTE, NO_BACKUP_NOTE, UNREADABLE_NOTE, restoreRefusal } from "../../src/snippets/restore-refusal.ts";

const server = "https://borela.example.com";
const plain = "npx borela restore shop --database app -o /tmp/app-restored.sqlite3 --server https://borela.example.com";

describe("restore commands after the last drill", () => {
  it("offer the plain command when the last drill passed, could not run, or none ran", () => {
    for (const last of [null, { status: "passed", error: null }, { status: "error", error: "worker lost its lease" }]) {
      expect(restoreRefusal(last)).toBeNull();
      expect(restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, last).borela).toBe(plain);
    }
  });

  it("add --force and say why after a failed drill (the restore refuses a damaged backup)", () => {
    const c = restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error: "backup is damaged: hole in index 3" });
    expect(c.borela).toBe(`${plain} --force  ${FORCE_NOTE}`);
    expect(c.borela.split("\n")).toHaveLength(1);
    // The drill's reason (reported text) never reaches the shell comment.
    expect(c.borela).not.toContain("hole");
  });

  it("carry no --force after a drill found a damaged LTX file's content (litestream restore fails on it too)", () => {
    const error =
      "backup is damaged: LTX file level 0 0000000000000005-0000000000000005.ltx (/b/app/ltx/0/0000000000000005-0000000000000005.ltx) is damaged: file checksum mismatch: the trailer says 1, the content gives 2 (CRC-64/ISO)";
    const c = restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error });
    expect(c.borela).toBe(`${plain}  ${LTX_DAMAGE_NOTE}`);
    // Borela's own stricter check (a misnamed file), which Litestream does not make, keeps --force.
    // (as ltx-check.ts words it: "backup is damaged: LTX file … is misnamed: …")
    const misnamed = error.replace(/\) is damaged: .*/, ") is misnamed: its header holds TXIDs 5–6, its name says 5–5");
    expect(restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error: misnamed }).borela).toBe(`${plain} --force  ${FORCE_NOTE}`);
  });

  it("carry no --force after a drill found the newest LTX files missing (the restore brings back what is left)", () => {
    const error = ltxBelowReplica({ restoredTxid: 0x11, replica: { generation: null, index: 0, offset: 0x13, txid: 0x13 }, seenAt: new Date(), timestamp: null })!;
    const c = restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error });
    expect(c.borela).toBe(`${plain}  ${LTX_NEWEST_MISSING_NOTE}`);
  });

  it("say the restore is refused, without --force, when the drill found no backup", () => {
    const c = restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error: "no backup found in file:///b/app" });
    expect(c.borela).toBe(`${plain}  ${NO_BACKUP_NOTE}`);
  });

  it("issue 14: no --force after a drill that could not read the replica (outside BORELA_FILE_REPLICA_ROOTS): the restore refuses that too", () => {
    const error =
      "file replica /srv/replicas/app is outside BORELA_FILE_REPLICA_ROOTS (/data): the core drills file replicas only under those directories; add the replica's directory to BORELA_FILE_REPLICA_ROOTS where the drill runs";
    const c = restoreCommands("shop", { name: "app" }, "file:///srv/replicas/app", undefined, server, { status: "failed", error });
    expect(c.borela.split("  #")[0]).not.toContain("--force");
    expect(c.borela).not.toContain("refuses a backup its checks find damaged");
    expect(c.borela).toBe(`${plain}  ${UNREADABLE_NOTE}`);
  });

  it("no --force after a drill that restored but failed its checks: borela restore does not refuse that", () => {
    const c = restoreCommands("shop", { name: "app" }, "file:///b/app", undefined, server, { status: "failed", error: "integrity_check: row 12 missing from index idx_orders" });
    expect(c.borela).toBe(plain);
  });
});
