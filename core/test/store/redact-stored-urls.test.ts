// Replica rows stored before ingest validation existed may hold inline
// credentials (`s3://KEY:SECRET@bucket/x`). On the old code they showed in
// GET /api/v1/projects/:id (replica URL, restore commands, reasons) and in
// incidents; the start-up cleanup (store/redact-stored-urls.ts) removes them once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFile, openStore } from "../../src/store/db.ts";
import { withoutUserinfo } from "../../src/redact.ts";
import { startServer } from "../../src/server/start.ts";

const dataDir = mkdtempSync(path.join(tmpdir(), "borela-redact-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
const DIRTY = `s3://AKIAOLDROW:${SECRET}@shop-backups/app`;

describe("start-up cleanup of inline credentials in stored rows", () => {
  it("withoutUserinfo removes userinfo from every URL in a text and leaves the rest", () => {
    expect(withoutUserinfo(`["changes to app unreplicated on ${DIRTY}", "smtp://u:p@mail:587 down"]`)).toBe('["changes to app unreplicated on s3://shop-backups/app", "smtp://mail:587 down"]');
    expect(withoutUserinfo("file:///data/user@host/replica and s3://bucket/a@b")).toBe("file:///data/user@host/replica and s3://bucket/a@b");
  });

  it("redacts an old replica row, its twin, the reasons and incidents; the API then shows no secret", async () => {
    const store = await openStore(dataDir);
    await store.project.create({
      data: { id: "p1", name: "legacy", drillSchedule: "0 3 * * 0", badgeKey: "badge-legacy", storagePrefix: "legacy-prefix", statusReasons: JSON.stringify([`no backup yet: app has no snapshot on ${DIRTY}`]) },
    });
    await store.database.create({ data: { id: "d1", projectId: "p1", name: "app", path: "/data/app.sqlite3", statusReasons: JSON.stringify([`unreplicated on ${DIRTY}`]) } });
    await store.database.create({ data: { id: "d2", projectId: "p1", name: "cache", path: "/data/cache.sqlite3" } });
    await store.replica.create({ data: { id: "r1", databaseId: "d1", type: "s3", url: DIRTY, lastError: `cannot write ${DIRTY}` } });
    // d2 already has the clean row too (the agent reported both forms over time): the dirty one goes.
    await store.replica.create({ data: { id: "r2", databaseId: "d2", type: "s3", url: "s3://shop-backups/cache" } });
    await store.replica.create({ data: { id: "r3", databaseId: "d2", type: "s3", url: `s3://AKIAOLDROW:${SECRET}@shop-backups/cache` } });
    await store.incident.create({ data: { id: "i1", projectId: "p1", databaseId: "d1", kind: "stale", reason: `changes unreplicated on ${DIRTY}` } });
    await store.$disconnect();
    // The rows as the old code left them (openStore above ran the cleanup on an empty store and recorded it).
    const raw = new Sqlite(databaseFile(dataDir));
    raw.prepare(`DELETE FROM "Setting" WHERE key = 'cleanup.inline-credentials'`).run();
    expect(raw.prepare(`SELECT count(*) AS n FROM "Replica" WHERE url LIKE '%${SECRET}%'`).get()).toEqual({ n: 2 });
    raw.close();

    const server = await startServer({ dataDir, host: "127.0.0.1", port: 0, env: { BORELA_ADMIN_TOKEN: "bradm_redact_test", BORELA_LOG_LEVEL: "error" } });
    try {
      const replicas = await server.store.replica.findMany({ orderBy: { id: "asc" } });
      expect(replicas.map((r) => [r.id, r.url])).toEqual([
        ["r1", "s3://shop-backups/app"],
        ["r2", "s3://shop-backups/cache"],
      ]);
      expect(replicas[0].lastError).toBe("cannot write s3://shop-backups/app");
      expect((await server.store.incident.findUniqueOrThrow({ where: { id: "i1" } })).reason).toBe("changes unreplicated on s3://shop-backups/app");
      expect(await server.store.setting.findUnique({ where: { key: "cleanup.inline-credentials" } })).not.toBeNull();

      const res = await fetch(`${server.url}/api/v1/projects/p1`, { headers: { authorization: "Bearer bradm_redact_test" } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain("s3://shop-backups/app");
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("AKIAOLDROW");
      const incidents = await fetch(`${server.url}/api/v1/projects/p1/incidents`, { headers: { authorization: "Bearer bradm_redact_test" } });
      expect(await incidents.text()).not.toContain(SECRET);
    } finally {
      await server.close();
    }
  }, 60_000);
});
