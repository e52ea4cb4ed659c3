// The drift suite's world: a core (sweeping every second, alerting by email),
// fauxqs S3 and an SMTP server on loopback, and for each scenario a project
// whose database another process writes to, watched by a real agent running
// real Litestream. Thresholds are short by configuration, not by sleeping.
import path from "node:path";
import { expect } from "vitest";
import type { ParsedMail } from "mailparser";
import { startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startS3, type S3Server } from "../../core/test/support/s3.ts";
import { startSmtp, type SmtpSink } from "../../core/test/support/smtp.ts";
import { tmpDir, type TmpDir } from "../../core/test/support/tmp.ts";
import { startSqliteWriter, type SqliteWriter } from "../../core/test/support/sqlite-writer.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";
import { createDatabase } from "../../core/test/litestream/live.ts";
import { runAgent, s3Env, s3ReplicaUrl, waitForStatus, type ProjectDetail, type TestAgent } from "../../core/test/agent/harness.ts";
import { testLitestreamLine } from "../../core/test/support/litestream-line.ts";
import type { LitestreamLine } from "../../core/src/litestream/binary.ts";
import { recordDetection } from "./figures.ts";

export const STALE_AFTER = 4;
export const GRACE = 5;

export interface World {
  core: TestCore;
  s3: S3Server;
  smtp: SmtpSink;
  dir: TmpDir;
  close(): Promise<void>;
}

export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const smtp = await startSmtp();
  const s3 = await startS3();
  await s3.createBucket("backups");
  const core = await startTestCore({
    BORELA_SWEEP_INTERVAL_SECONDS: "1",
    BORELA_LOG_LEVEL: "warn",
    BORELA_SMTP_URL: smtp.url,
    BORELA_ALERT_EMAIL: "ops@example.com",
    BORELA_ALERT_RETRY_SECONDS: "1",
    ...env,
  });
  const dir = await tmpDir("borela-drift-");
  return {
    core,
    s3,
    smtp,
    dir,
    async close() {
      await core.close();
      await s3.stop();
      await smtp.close();
      await dir.remove();
    },
  };
}

export interface Scenario {
  world: World;
  name: string;
  projectId: string;
  token: string;
  dbPath: string;
  replicaUrl: string;
  /** The Litestream line its agent runs: the test's choice, else BORELA_TEST_LITESTREAM (0.3 when unset). */
  litestream: LitestreamLine;
  agent: TestAgent | null;
  writer: SqliteWriter | null;
  startAgent(options?: { token?: string; accessKeyId?: string; restartLitestream?: boolean }): Promise<TestAgent>;
  stopAgent(): Promise<void>;
  mails(): ParsedMail[];
  cleanup(): Promise<void>;
}

/** A project replicating for real to S3, fresh, with a writer running. */
export async function startScenario(world: World, name: string, settings: Record<string, unknown> = {}, options: { litestream?: LitestreamLine } = {}): Promise<Scenario> {
  const litestream = options.litestream ?? testLitestreamLine();
  const p = await world.core.createProject(name, { staleAfterSeconds: STALE_AFTER, heartbeatGraceSeconds: GRACE, ...settings });
  // Drills read bring-your-own S3 replicas with the endpoint and keys an admin stored for the project.
  const stored = await world.core.api("PUT", `/api/v1/projects/${p.id}/storage-credentials`, {
    body: { accessKeyId: world.s3.accessKeyId, secretAccessKey: world.s3.secretAccessKey, bucket: "backups", endpoint: world.s3.endpoint },
  });
  if (stored.status !== 204) throw new Error(`storage credentials for ${name}: ${stored.status} ${JSON.stringify(stored.body)}`);
  const dbPath = path.join(world.dir.path, name, "app.sqlite3");
  await import("node:fs/promises").then((fs) => fs.mkdir(path.dirname(dbPath), { recursive: true }));
  createDatabase(dbPath, 30);
  const replicaUrl = s3ReplicaUrl(world.s3, "backups", `${name}/app`);
  const scenario: Scenario = {
    world,
    name,
    projectId: p.id,
    token: p.agentToken,
    dbPath,
    replicaUrl,
    litestream,
    agent: null,
    writer: null,
    async startAgent(options = {}) {
      scenario.agent = await runAgent({
        server: world.core.url,
        token: options.token ?? scenario.token,
        databases: [dbPath],
        replicaUrl,
        env: { ...s3Env(world.s3, options.accessKeyId), BORELA_LITESTREAM_VERSION: litestream },
        flags: options.restartLitestream === false ? { restartLitestream: false } : {},
        dir: path.dirname(dbPath),
      });
      return scenario.agent;
    },
    async stopAgent() {
      await scenario.agent?.stop();
      scenario.agent = null;
    },
    mails: () => world.smtp.messages.filter((m) => m.subject?.includes(` ${name}`)),
    async cleanup() {
      await scenario.writer?.stop();
      await scenario.stopAgent();
    },
  };
  await scenario.startAgent();
  scenario.writer = await startSqliteWriter({ path: dbPath, ratePerSecond: 5, durationMs: 120_000 });
  await waitForStatus(world.core, p.id, "fresh", 20_000, (d) => d.storageBytes > 0);
  return scenario;
}

/** Waits for the project's status, the one alert email naming the cause, and records the time to detect. */
export async function expectAlert(s: Scenario, status: string, reason: RegExp, subject: RegExp, since: number, timeoutMs = 30_000): Promise<ProjectDetail> {
  const detail = await waitForStatus(s.world.core, s.projectId, status, timeoutMs);
  expect(detail.statusReasons.join("\n")).toMatch(reason);
  const mail = await waitFor(() => s.mails().find((m) => subject.test(m.subject ?? "")), { timeoutMs: 30_000, what: `an alert email matching ${subject}` }).catch(async (err) => {
    const incidents = (await s.world.core.api("GET", `/api/v1/projects/${s.projectId}/incidents`)).body;
    throw new Error(`${(err as Error).message}\nmails: ${JSON.stringify(s.mails().map((m) => m.subject))}\nincidents: ${JSON.stringify(incidents)}`);
  });
  recordDetection(s.name, status, (Date.now() - since) / 1000);
  expect(s.mails().filter((m) => !m.subject?.includes("RESOLVED")).map((m) => m.subject)).toEqual([mail.subject]);
  expect(mail.text).toMatch(reason);
  return detail;
}

/** After the fix: fresh again and exactly one resolve email. */
export async function expectResolved(s: Scenario, timeoutMs = 30_000): Promise<void> {
  await waitForStatus(s.world.core, s.projectId, "fresh", timeoutMs);
  await waitFor(() => s.mails().find((m) => m.subject?.startsWith("[Borela] RESOLVED")), { timeoutMs: 30_000, what: "the resolve email" });
  await new Promise((r) => setTimeout(r, 2500)); // a duplicate would arrive within a dispatcher tick
  const subjects = s.mails().map((m) => m.subject);
  expect(subjects, JSON.stringify(subjects)).toHaveLength(2);
  expect(subjects.filter((x) => x?.startsWith("[Borela] RESOLVED")), JSON.stringify(subjects)).toHaveLength(1);
}

/** Runs a drill through the API and waits for its outcome. */
export async function drill(world: World, projectId: string, timeoutMs = 60_000): Promise<any> {
  const res = await world.core.api("POST", `/api/v1/projects/${projectId}/drills`, { body: {} });
  expect(res.status).toBe(202);
  return waitFor(
    async () => {
      const d = (await world.core.api("GET", `/api/v1/drills/${res.body.id}`)).body;
      return ["passed", "failed", "error"].includes(d.status) ? d : null;
    },
    { timeoutMs, what: `drill ${res.body.id} to finish` },
  );
}

/** Waits for the one drill alert email of this scenario, and records the time to detect. */
export async function expectDrillAlert(s: Scenario, subject: RegExp, text: RegExp, since: number): Promise<void> {
  const mail = await waitFor(() => s.mails().find((m) => subject.test(m.subject ?? "")), { timeoutMs: 20_000, what: `an email matching ${subject}` });
  recordDetection(s.name, "drill", (Date.now() - since) / 1000);
  expect(mail.text).toMatch(text);
  expect(s.mails().map((m) => m.subject)).toEqual([mail.subject]);
}

export async function expectDrillResolved(s: Scenario): Promise<void> {
  await waitFor(() => s.mails().find((m) => m.subject?.startsWith("[Borela] RESOLVED")), { timeoutMs: 20_000, what: "the resolve email" });
  await new Promise((r) => setTimeout(r, 2500));
  const subjects = s.mails().map((m) => m.subject);
  expect(subjects, JSON.stringify(subjects)).toHaveLength(2);
  expect(subjects.filter((x) => x?.startsWith("[Borela] RESOLVED"))).toHaveLength(1);
}
