// The Coolify template follows Coolify's conventions (/work/shared/INTEGRATIONS.md):
// header comments first, compose services with a healthcheck, named volumes,
// no published ports, magic variables for the domain and generated secrets.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { substituteMagicVariables } from "../magic-variables.ts";

const file = path.resolve(import.meta.dirname, "../borela.yaml");
const text = readFileSync(file, "utf8");

export function templateProblems(source: string): string[] {
  const problems: string[] = [];
  const header = source.split("\n").filter((l) => l.startsWith("#"));
  for (const key of ["documentation", "slogan", "tags", "logo", "port"]) {
    if (!header.some((l) => new RegExp(`^# ${key}: \\S`).test(l))) problems.push(`missing header "# ${key}: ..."`);
  }
  const doc = parse(source) as { services?: Record<string, any>; volumes?: Record<string, unknown> };
  if (!doc.services || Object.keys(doc.services).length === 0) problems.push("no services");
  for (const [name, svc] of Object.entries(doc.services ?? {})) {
    if (svc.ports) problems.push(`service ${name} publishes ports (Coolify's proxy routes the domain)`);
    if (!svc.healthcheck?.test) problems.push(`service ${name} has no healthcheck`);
    for (const v of svc.volumes ?? []) {
      const source = String(v).split(":")[0];
      if (!source.startsWith("/") && !source.startsWith(".") && !(doc.volumes && source in doc.volumes)) problems.push(`volume ${source} of ${name} is not declared`);
    }
    if (svc.networks || svc.network_mode) problems.push(`service ${name} sets networking (Coolify gives each deployment its network)`);
  }
  return problems;
}

describe("Coolify template", () => {
  it("follows the conventions", () => {
    expect(templateProblems(text)).toEqual([]);
  });

  it.each([
    ["a missing header key", text.replace("# slogan:", "# slgan:"), 'missing header "# slogan: ..."'],
    ["published ports", text.replace("    command:", "    ports: ['8787:8787']\n    command:"), "service borela publishes ports (Coolify's proxy routes the domain)"],
    ["no healthcheck", text.replace(/    healthcheck:[\s\S]*?start_period: 20s\n/, ""), "service borela has no healthcheck"],
    ["an undeclared volume", text.replace("volumes:\n  borela-data:\n", ""), "volume borela-data of borela is not declared"],
  ])("a check that fails on %s", (_label, broken, problem) => {
    expect(templateProblems(broken)).toContain(problem);
  });

  it("takes the domain and secrets from Coolify's magic variables", () => {
    const env: string[] = (parse(text) as any).services.borela.environment;
    expect(env).toContain("SERVICE_URL_BORELA_8787");
    expect(env).toContain("BORELA_PUBLIC_URL=${SERVICE_URL_BORELA_8787}");
    expect(env).toContain("BORELA_ADMIN_TOKEN=${SERVICE_PASSWORD_64_ADMIN}");
    expect(env).toContain("BORELA_SECRET_KEY=${SERVICE_BASE64_64_SECRET}");
    expect(env).toContain("BORELA_HOST=0.0.0.0");
  });

  it("substitutes magic variables like Coolify: same name, same value; lengths by variant", () => {
    const { text: out, values } = substituteMagicVariables(text + "\n# again ${SERVICE_PASSWORD_64_ADMIN}\n");
    expect(out).not.toMatch(/\$\{SERVICE_/);
    expect(values.get("SERVICE_PASSWORD_64_ADMIN")).toHaveLength(64);
    expect(values.get("SERVICE_BASE64_64_SECRET")).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(values.get("SERVICE_URL_BORELA_8787")).toBe("https://borela.example.com");
    expect(out.split(values.get("SERVICE_PASSWORD_64_ADMIN")!).length - 1).toBe(2);
    const env: string[] = (parse(out) as any).services.borela.environment;
    expect(env).toContain(`BORELA_PUBLIC_URL=https://borela.example.com`);
  });
});
