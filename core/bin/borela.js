#!/usr/bin/env node
// Entry point of the one `borela` CLI. Runs the TypeScript sources through tsx on Node 24
// (re-running itself there when started by an older Node: node24.js; `serve` re-runs itself with its
// heap flags: serve-heap.js), generating the Prisma clients first when one is missing or older than
// the schema (prisma-clients.js).
import { fileURLToPath } from "node:url";
import path from "node:path";
import { runOnNode24 } from "./node24.js";
import { ensurePrismaClients } from "./prisma-clients.js";
import { execServeWithHeap } from "./serve-heap.js";

await runOnNode24(fileURLToPath(import.meta.url));
execServeWithHeap(fileURLToPath(import.meta.url));
await ensurePrismaClients(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const { register } = await import("tsx/esm/api");
register();
const { main } = await import("../src/cli.ts");
process.exitCode = await main(process.argv.slice(2));
