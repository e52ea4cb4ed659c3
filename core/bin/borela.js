#!/usr/bin/env node
// Entry point of the one `borela` CLI. Runs the TypeScript sources through tsx on Node 24
// (re-running itself there when started by an older Node: node24.js), generating the Prisma
// client first when it is missing or older than the schema.
import { existsSync, statSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { runOnNode24 } from "./node24.js";

await runOnNode24(fileURLToPath(import.meta.url));
const coreDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const schema = path.join(coreDir, "prisma", "schema.prisma");
const client = path.join(coreDir, "src", "generated", "prisma", "client.ts");
if (!existsSync(client) || statSync(client).mtimeMs < statSync(schema).mtimeMs) {
  const prismaCli = path.join(path.dirname(fileURLToPath(import.meta.resolve("prisma/package.json"))), "build", "index.js");
  execFileSync(process.execPath, [prismaCli, "generate"], { cwd: coreDir, stdio: ["ignore", "ignore", "inherit"] });
}
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
