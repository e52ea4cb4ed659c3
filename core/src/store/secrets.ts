// Storage credentials and webhook secrets are stored encrypted (AES-256-GCM)
// with a key from BORELA_SECRET_KEY, or one generated into the data dir.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config.ts";
import { ensurePrivateDir } from "./private-files.ts";

const KEY_FILE = "secret.key";

export function loadSecretKey(dataDir: string, configured: string | null): Buffer {
  if (configured) return createHash("sha256").update(configured).digest();
  const file = path.join(dataDir, KEY_FILE);
  ensurePrivateDir(dataDir);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return createHash("sha256").update(readFileSync(file, "utf8").trim()).digest();
}

/** The config with its encryptionKey loaded (once, at the start of a process that reads or writes stored secrets). */
export function withSecretKey(config: Config): Config & { encryptionKey: Buffer } {
  return { ...config, encryptionKey: config.encryptionKey ?? loadSecretKey(config.dataDir, config.secretKey) };
}

export function encryptSecret(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), body.toString("base64")].join(":");
}

export function decryptSecret(key: Buffer, ciphertext: string): string {
  const [version, iv, tag, body] = ciphertext.split(":");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new Error("unrecognised secret format");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}
