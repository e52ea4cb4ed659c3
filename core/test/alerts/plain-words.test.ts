// Subjects in words: the reasons Borela and Litestream actually write, with
// their identifiers taken out (plain-words.ts). Pure, no I/O.
import { describe, expect, it } from "vitest";
import { plainWords } from "../../src/alerts/plain-words.ts";

describe("plainWords", () => {
  it.each([
    [
      "app changed on disk but Litestream's position did not move for 30s (generation be7a0689c1d2e3f4, index 0, offset 131872): was it replaced outside SQLite?",
      "app changed on disk but Litestream's position did not move for 30s: was it replaced outside SQLite?",
    ],
    ["replica at be7a0689/00000000:131872 is behind", "replica at a Litestream position is behind"],
    [
      "generation be7a0689c1d2e3f4, the one a restore uses, has no snapshot (3 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
      "a generation, the one a restore uses, has no snapshot (3 WAL segment(s) only): litestream restore fails with \"no snapshots available\"",
    ],
    [
      "WAL index 4 of generation be7a0689c1d2e3f4 has no initial segment (the first is 00000004_00001000.wal.lz4): litestream restore fails with \"missing initial wal segment\"",
      "WAL index 4 has no initial segment: litestream restore fails with \"missing initial wal segment\"",
    ],
    ["cannot read 0000000000000001-00000000000000a4.ltx: unexpected EOF", "cannot read an LTX file: unexpected EOF"],
    ["TXID 00000000000000a4 is missing; snapshot 0123456789abcdef too", "a TXID is missing; snapshot an identifier too"],
    // Ordinary words and paths stay as they are.
    ["database file missing at /data/app.sqlite3", "database file missing at /data/app.sqlite3"],
    ["replica s3://backups/deadbeef/app: InvalidAccessKeyId", "replica s3://backups/deadbeef/app: InvalidAccessKeyId"],
  ])("%s", (reason, words) => {
    expect(plainWords(reason)).toBe(words);
  });
});
