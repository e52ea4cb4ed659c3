// Operator settings: whether SMTP and the managed storage are configured, and
// a test of each that answers in words, against a real SMTP server
// (smtp-server, messages parsed) and a real S3 server (fauxqs) on loopback.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startTestCore, type TestCore } from "../support/core-server.ts";
import { startSmtp, type SmtpSink } from "../support/smtp.ts";
import { startS3, type S3Server } from "../support/s3.ts";
import { waitFor } from "../support/wait-for.ts";

describe("operator settings with SMTP and storage configured", () => {
  let core: TestCore;
  let smtp: SmtpSink;
  let s3: S3Server;

  beforeAll(async () => {
    smtp = await startSmtp();
    s3 = await startS3();
    await s3.createBucket("managed");
    core = await startTestCore({
      BORELA_SMTP_URL: smtp.url,
      BORELA_MAIL_FROM: "borela@test.example",
      BORELA_S3_BUCKET: "managed",
      BORELA_S3_ENDPOINT: s3.endpoint,
      BORELA_S3_ACCESS_KEY_ID: s3.accessKeyId,
      BORELA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    });
  });
  afterAll(async () => {
    await core?.close();
    await smtp?.close();
    await s3?.stop();
  });

  it("says both are configured, showing no secret", async () => {
    const res = await core.api("GET", "/api/v1/operator/status");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      smtp: { configured: true, server: new URL(smtp.url).host, from: "borela@test.example" },
      storage: { configured: true, bucket: "managed", endpoint: s3.endpoint, region: "us-east-1", credentials: "agent keys attached per project" },
      alertEmails: [],
    });
    expect(JSON.stringify(res.body)).not.toContain(s3.secretAccessKey);
    expect((await core.api("GET", "/api/v1/operator/status", { token: null })).status).toBe(401);
  });

  it("sends a test email and answers with the SMTP server's reply; a down server is a 502 in words", async () => {
    const res = await core.api("POST", "/api/v1/operator/smtp-test", { body: { to: "ops@example.com" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.detail).toMatch(/^SMTP 127\.0\.0\.1:\d+ accepted for ops@example\.com/);
    const mail = await waitFor(() => smtp.messages.find((m) => (m.to as { text: string }).text.includes("ops@example.com")), { what: "the test email" });
    expect(mail.from?.text).toContain("borela@test.example");
    expect(mail.subject).toMatch(/test/i);

    expect((await core.api("POST", "/api/v1/operator/smtp-test", { body: { to: "not an address" } })).status).toBe(400);
    await smtp.down();
    try {
      const down = await core.api("POST", "/api/v1/operator/smtp-test", { body: { to: "ops@example.com" } });
      expect(down.status).toBe(502);
      expect(down.body).toMatchObject({ error: "delivery_failed", message: expect.stringMatching(/^SMTP 127\.0\.0\.1:\d+ failed: .*ECONNREFUSED/) });
    } finally {
      await smtp.up();
    }
  });

  it("writes, reads back and deletes one object in the bucket, leaving nothing behind", async () => {
    const res = await core.api("POST", "/api/v1/operator/storage-test");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ ok: true, detail: expect.stringMatching(/^wrote, read back and deleted s3:\/\/managed\/borela-storage-test\/\S+\.txt at http:\/\/127\.0\.0\.1:\d+ in \d+ ms/) });
    const listed = await s3.client().send(new ListObjectsV2Command({ Bucket: "managed", Prefix: "borela-storage-test/" }));
    expect(listed.Contents ?? []).toEqual([]);
    const key = /s3:\/\/managed\/(\S+\.txt)/.exec(res.body.detail)![1];
    await expect(s3.client().send(new GetObjectCommand({ Bucket: "managed", Key: key }))).rejects.toThrow();
  });
});

describe("operator settings with wrong storage keys, and with nothing configured", () => {
  let s3: S3Server;
  let wrong: TestCore;
  let bare: TestCore;

  beforeAll(async () => {
    s3 = await startS3();
    await s3.createBucket("managed");
    // The fauxqs hook of support/s3.ts rejects unknown access key ids with S3's InvalidAccessKeyId.
    wrong = await startTestCore({ BORELA_S3_BUCKET: "managed", BORELA_S3_ENDPOINT: s3.endpoint, BORELA_S3_ACCESS_KEY_ID: "AKIAWRONGKEY", BORELA_S3_SECRET_ACCESS_KEY: "nope" });
    bare = await startTestCore();
  });
  afterAll(async () => {
    await wrong?.close();
    await bare?.close();
    await s3?.stop();
  });

  it("names the failed step and S3's error code", async () => {
    const res = await wrong.api("POST", "/api/v1/operator/storage-test");
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ error: "storage_failed", message: expect.stringMatching(/^could not write s3:\/\/managed\/borela-storage-test\/\S+ at http:\/\/127\.0\.0\.1:\d+: InvalidAccessKeyId/) });
    expect(res.body.message).not.toContain("nope");
  });

  it("says what to set when SMTP or storage is not configured", async () => {
    expect((await bare.api("GET", "/api/v1/operator/status")).body).toMatchObject({ smtp: { configured: false, server: null }, storage: { configured: false, bucket: null } });
    const smtp = await bare.api("POST", "/api/v1/operator/smtp-test", { body: { to: "ops@example.com" } });
    expect(smtp).toMatchObject({ status: 400, body: { message: expect.stringContaining("BORELA_SMTP_URL") } });
    const storage = await bare.api("POST", "/api/v1/operator/storage-test");
    expect(storage).toMatchObject({ status: 400, body: { message: expect.stringContaining("BORELA_S3_BUCKET") } });
  });
});
