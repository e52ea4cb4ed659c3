// Storage credentials and webhook secrets are stored encrypted (AES-256-GCM)
// with a key from BORELA_SECRET_KEY, or one generated into the data dir.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config.ts";
import { ensurePrivateDir } from "./private-files.ts";

const KEY_FILE = "secret.key";

/** Where a core's secret key came from: the variable, the data dir's key file, or a key file this call generated. */
export type SecretKeySource = "variable" | "file" | "generated";

/**
 * The 32-byte AES key (SHA-256 of BORELA_SECRET_KEY, else of <dataDir>/secret.key, generated when missing) and
 * where it came from; `file` is the key file's path (used or not). Throws on an unreadable data dir.
 */
export function readSecretKey(dataDir: string, configured: string | null): { key: Buffer; source: SecretKeySource; file: string } {
  const file = path.join(dataDir, KEY_FILE);
  if (configured) return { key: createHash("sha256").update(configured).digest(), source: "variable", file };
  ensurePrivateDir(dataDir);
  const generated = !existsSync(file);
  if (generated) writeFileSync(file, randomBytes(32).toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600);
  return { key: createHash("sha256").update(readFileSync(file, "utf8").trim()).digest(), source: generated ? "generated" : "file", file };
}

export function loadSecretKey(dataDir: string, configured: string | null): Buffer {
  return readSecretKey(dataDir, configured).key;
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
