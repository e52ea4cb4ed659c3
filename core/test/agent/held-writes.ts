// What a test leaves running against a replica it blocks: the app's writers and
// the write refusals to undo, all ended after the file's last test.
import { afterAll } from "vitest";
import type { SqliteWriter } from "../support/sqlite-writer.ts";

/**
 * Registers an afterAll that first undoes every refusal left in `unblock`, then stops every writer in
 * `writers` (a failing stop is ignored); returns both lists for the tests to fill (and to empty when they undo one themselves).
 */
export function useHeldWrites(): { writers: SqliteWriter[]; unblock: Array<() => void> } {
  const writers: SqliteWriter[] = [];
  const unblock: Array<() => void> = [];
  afterAll(async () => {
    for (const u of unblock) u();
    for (const w of writers) await w.stop().catch(() => undefined);
  });
  return { writers, unblock };
}
