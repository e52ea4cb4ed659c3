// The Coolify template as Coolify would run it: magic variables substituted,
// then (with an override forcing host networking and a free port on
// 127.0.0.1) brought up with docker-compose on the real engine, answering
// /healthz.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { buildBorelaImage } from "../../../core/test/support/docker.ts";
import { freePort } from "../../../core/test/support/ports.ts";
import { tmpDir, type TmpDir } from "../../../core/test/support/tmp.ts";
import { waitFor } from "../../../core/test/support/wait-for.ts";
import { substituteMagicVariables } from "../magic-variables.ts";

const project = `borela-coolify-${process.pid}`;
let tmp: TmpDir;
let files: string[] = [];
let image: string;

beforeAll(async () => {
  // The hash tag of this tree's build: borela/borela:latest (the template's) is retagged by any parallel build.
  image = buildBorelaImage();
  execFileSync("bash", ["-c", "command -v docker-compose >/dev/null || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null)"]);
  tmp = await tmpDir("borela-coolify-");
}, 900_000);

afterAll(async () => {
  if (files.length) execFileSync("docker-compose", ["-p", project, ...files.flatMap((f) => ["-f", f]), "down", "-v", "--timeout", "20"], { stdio: "ignore" });
  await tmp?.remove();
});

describe("the Coolify template on a real engine", () => {
  it("runs the core from the substituted template and answers /healthz", async () => {
    const { text, values } = substituteMagicVariables(readFileSync(path.resolve(import.meta.dirname, "../borela.yaml"), "utf8"));
    const port = await freePort();
    const template = path.join(tmp.path, "docker-compose.yml");
    const override = path.join(tmp.path, "override.yml");
    writeFileSync(template, text);
    writeFileSync(override, stringify({ services: { borela: { image, network_mode: "host", environment: [`BORELA_PORT=${port}`, "BORELA_HOST=127.0.0.1"] } } }));
    files = [template, override];
    execFileSync("docker-compose", ["-p", project, "-f", template, "-f", override, "config"], { stdio: "ignore" });
    execFileSync("docker-compose", ["-p", project, "-f", template, "-f", override, "up", "-d"], { stdio: "ignore" });
    const health = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        return res?.status === 200 ? await res.json() : null;
      },
      { timeoutMs: 60_000, what: "the core from the template to answer /healthz" },
    );
    expect(health).toEqual({ ok: true });
    // The generated admin token works: Coolify's SERVICE_PASSWORD_64_ADMIN is the admin token.
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/projects`, { headers: { authorization: `Bearer ${values.get("SERVICE_PASSWORD_64_ADMIN")}` } });
    const logs = () => execFileSync("docker-compose", ["-p", project, ...files.flatMap((f) => ["-f", f]), "logs", "--no-color", "--tail", "40"], { encoding: "utf8" });
    expect(res.status, `${await res.text()}\n${logs()}`).toBe(200);
  }, 180_000);
});
