// Migrated stores in temp directories: tempStore() for one a test closes itself, useTempStores() for the ones a
// test opens and forgets, closed and removed after it.
import { afterEach } from "vitest";
import { openStore, type Store } from "../../src/store/db.ts";
import { tmpDir, type TmpDir } from "./tmp.ts";

export interface TestStore {
  store: Store;
  dir: TmpDir;
  close(): Promise<void>;
}

export async function tempStore(prefix = "borela-store-"): Promise<TestStore> {
  const dir = await tmpDir(prefix);
  const store = await openStore(dir.path);
  return {
    store,
    dir,
    async close() {
      await store.$disconnect();
      await dir.remove();
    },
  };
}

/** Registers an afterEach that closes every store the test opened with open() (tempStore(prefix)'s). */
export function useTempStores(prefix?: string): { open(): Promise<TestStore> } {
  const opened: TestStore[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) await db.close();
  });
  return {
    async open() {
      const db = await tempStore(prefix);
      opened.push(db);
      return db;
    },
  };
}
