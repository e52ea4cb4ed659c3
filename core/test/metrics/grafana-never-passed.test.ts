// A database that never passed a drill has no borela_drill_last_success_timestamp_seconds,
// so "time() - …" hides it. The dashboard lists such databases from a metric a
// real core exposes for every database, minus those with a passing drill; this
// checks that panel's metrics against a scrape where one database never passed.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { sampledNames, sampleValue } from "./scrape-text.ts";
import { newId } from "../../src/store/ids.ts";

const TOKEN = "brmet_test_never_passed_0123456789";
let core: TestCore;
beforeAll(async () => {
  core = await startTestCore({ BORELA_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  await core?.close();
});

type Panel = { title: string; targets?: { expr?: string }[] };

describe("the Grafana dashboard and databases that never passed a drill", () => {
  it("has a panel listing them, from a metric a never-passed database has, minus databases with a passing drill", async () => {
    const file = fileURLToPath(new URL("../../../integrations/grafana/borela.json", import.meta.url));
    const panels = (JSON.parse(readFileSync(file, "utf8")) as { panels: Panel[] }).panels;
    const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ""));
    // "<every database> unless on (project, database) <last success>": the left side has a series per database.
    const listing = exprs.find((e) => /unless on ?\(project, ?database\) borela_drill_last_success_timestamp_seconds/.test(e));
    expect(listing, JSON.stringify(exprs)).toBeDefined();
    const base = listing!.match(/borela_[a-z_]+/)![0];
    expect(base).not.toBe("borela_drill_last_success_timestamp_seconds");

    const project = await core.createProject("neverdrilled");
    await core.store.database.create({ data: { id: newId(), projectId: project.id, name: "app", path: "/data/app.sqlite3" } });
    const res = await fetch(`${core.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(sampledNames(text).has(base)).toBe(true);
    expect(text).toMatch(new RegExp(`^${base}\\{[^}]*database="app"[^}]*project="neverdrilled"|^${base}\\{[^}]*project="neverdrilled"[^}]*database="app"`, "m"));
    expect(sampleValue(text, "borela_drill_last_success_timestamp_seconds", { project: "neverdrilled", database: "app" })).toBeUndefined();
  });
});
