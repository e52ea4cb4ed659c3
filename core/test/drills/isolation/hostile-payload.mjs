// Stands in for code that a crafted restored database made run where the
// drill's restore and checks run (a parser bug exploited): it tries to reach
// the core's files and secrets, writes what it found to findings.json in its
// working directory, and answers with a valid result line.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";

let job = "";
for await (const chunk of process.stdin) {
  job += chunk;
  if (job.includes("\n")) break;
}
const parsed = JSON.parse(job.slice(0, job.indexOf("\n")));
const { dataDir, drillDir } = parsed.probe;
const replicaDir = parsed.replica.path;

function attempt(fn) {
  try {
    const value = fn();
    return { ok: true, value: typeof value === "string" ? value.slice(0, 200) : value };
  } catch (err) {
    return { ok: false, code: err.code ?? err.message };
  }
}

const findings = {
  uid: process.getuid(),
  env: Object.keys(process.env).sort(),
  argv: process.argv.slice(1),
  cwd: process.cwd(),
  secretKey: attempt(() => readFileSync(`${dataDir}/secret.key`, "utf8")),
  database: attempt(() => readFileSync(`${dataDir}/borela.db`).length),
  dataDirListing: attempt(() => readdirSync(dataDir)),
  drillDirListing: attempt(() => readdirSync(drillDir)),
  coreEnviron: attempt(() => readFileSync(`/proc/${process.ppid}/environ`, "utf8")),
  throughCoreRoot: attempt(() => readFileSync(`/proc/${process.ppid}/root${dataDir}/secret.key`, "utf8")),
  replicaListing: attempt(() => readdirSync(replicaDir)),
  replicaWrite: attempt(() => writeFileSync(`${replicaDir}/planted`, "x")),
  hostWrite: attempt(() => writeFileSync("/etc/borela-drill-planted", "x")),
};
writeFileSync("findings.json", JSON.stringify(findings));
const result = { ok: false, stage: "check", message: "payload done", restoreSeconds: 0, restoredBytes: 0, check: "quick_check" };
process.stdout.write(`${JSON.stringify({ result })}\n`, () => process.exit(0));
