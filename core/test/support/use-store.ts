// Migrated stores in temp directories: tempStore() for one a test closes itself, useTempStores() for the ones a
// test opens and forgets, closed and removed after it, useSharedStore() for two clients on one store (two cores).
import { afterAll, afterEach, beforeAll } from "vitest";
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

export interface SharedStore {
  dir: TmpDir;
  /** Two Prisma clients on the same migrated file: two cores sharing one store. */
  one: Store;
  two: Store;
}

/** Opens one migrated store twice before a file's tests (each property read at test time) and closes it after. */
export function useSharedStore(prefix: string): SharedStore {
  let opened: SharedStore | null = null;
  beforeAll(async () => {
    const dir = await tmpDir(prefix);
    opened = { dir, one: await openStore(dir.path), two: await openStore(dir.path) };
  });
  afterAll(async () => {
    await opened?.one.$disconnect();
    await opened?.two.$disconnect();
    await opened?.dir.remove();
  });
  const get = (): SharedStore => {
    if (!opened) throw new Error("the shared store is not open yet (use it inside a test or a hook)");
    return opened;
  };
  return {
    get dir() {
      return get().dir;
    },
    get one() {
      return get().one;
    },
    get two() {
      return get().two;
    },
  };
}
