// bullmq and ioredis load only with BORELA_REDIS_URL (drills/redis-parts.ts): every `borela drill run` paid
// ~0.25 s of CPU to load them (drill-overhead). A resolve hook in a fresh node records what loads.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRedisParts } from "../../src/drills/redis-parts.ts";
import { tmpDir } from "../support/tmp.ts";

const src = path.resolve(import.meta.dirname, "../../src");

async function loadedQueueModules(module: string): Promise<string[]> {
  const dir = await tmpDir("borela-redis-parts-");
  try {
    const script = path.join(dir.path, "seen.mjs");
    writeFileSync(
      script,
      `import { registerHooks } from "node:module";
const seen = [];
registerHooks({ resolve(spec, ctx, next) { const r = next(spec, ctx); seen.push(r.url); return r; } });
await import(process.argv[2]);
process.stdout.write(JSON.stringify(seen.filter((u) => /node_modules\\/(bullmq|ioredis)\\//.test(u))));`,
    );
    const out = execFileSync(process.execPath, ["--import", "tsx", script, path.join(src, module)], { encoding: "utf8", timeout: 60_000 });
    return JSON.parse(out) as string[];
  } finally {
    await dir.remove();
  }
}

describe("the Redis parts", () => {
  it("are not loaded by the drill, restore and serve commands' modules", async () => {
    for (const module of ["commands/drill.ts", "commands/restore.ts", "drills/service.ts"]) expect([module, await loadedQueueModules(module)]).toEqual([module, []]);
    // The hook sees them when they do load.
    expect((await loadedQueueModules("drills/bullmq-queue.ts")).length).toBeGreaterThan(0);
  }, 120_000);

  it("load only with a Redis URL, without connecting", async () => {
    expect(await loadRedisParts({ redisUrl: null })).toBeNull();
    const parts = await loadRedisParts({ redisUrl: "redis://127.0.0.1:1" });
    expect(parts && [typeof parts.openRedis, typeof parts.createDrillQueue, typeof parts.createDrillWorker]).toEqual(["function", "function", "function"]);
  });
});
