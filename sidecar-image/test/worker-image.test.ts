// The Borela image as `borela worker` on a real Docker engine (host networking, Redis on loopback): its
// HEALTHCHECK (the image's own command, run every second here) reads the worker's status file and turns
// healthy once the worker records that it is alive, and unhealthy when Redis goes away.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBorelaImage, docker, removeContainer } from "../../core/test/support/docker.ts";
import { startRedis, type RedisServer } from "../../core/test/support/redis.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

let image: string;
let redis: RedisServer;
let tmp: TmpDir;
const containers: string[] = [];

beforeAll(async () => {
  image = buildBorelaImage();
  redis = await startRedis();
  tmp = await tmpDir("borela-worker-image-");
}, 900_000);

afterAll(async () => {
  for (const id of containers) removeContainer(id);
  await redis?.stop();
  await tmp?.remove();
});

const health = (id: string) => JSON.parse(docker("inspect", "--format", "{{json .State.Health}}", id)) as { Status: string; Log: { ExitCode: number; Output: string }[] };

describe("the Borela image as a drill worker", () => {
  it("is healthy while the worker records that it is alive, unhealthy once Redis is gone", async () => {
    const id = docker(
      "run", "-d", "--network", "host",
      "--health-interval", "1s", "--health-timeout", "5s", "--health-retries", "1", "--health-start-period", "0s",
      "-v", `${tmp.path}:/data`,
      "-e", `BORELA_REDIS_URL=${redis.url}`,
      "-e", "BORELA_DRILL_LEASE_SECONDS=3",
      "-e", "BORELA_SECRET_KEY=worker-image-secret-key-0123456789",
      image, "worker",
    );
    containers.push(id);
    await waitFor(() => (health(id).Status === "healthy" ? true : null), { timeoutMs: 60_000, intervalMs: 500, what: "the worker container healthy" });
    expect(JSON.parse(docker("exec", id, "cat", "/data/worker-status.json"))).toMatchObject({ ok: true, everyMs: 1_000 });

    await redis.stop();
    const down = await waitFor(() => (health(id).Status === "unhealthy" ? health(id) : null), { timeoutMs: 30_000, intervalMs: 500, what: "the worker container unhealthy" });
    expect(down.Log.at(-1)?.Output).toMatch(/not ok: Redis not connected/);
  }, 120_000);
});
