// Generates the Prisma clients once before any suite imports them, when missing or older than the schema.
import path from "node:path";
import { ensurePrismaClients } from "../../bin/prisma-clients.js";

export default async function setup(): Promise<void> {
  await ensurePrismaClients(path.resolve(import.meta.dirname, "../.."));
}
