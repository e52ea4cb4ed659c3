// npm run bench -- NAME: runs bench/NAME.mjs or bench/NAME.ts. Its last line is one JSON object.
import { existsSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const name = process.argv[2];
const candidates = name ? [`${name}.mjs`, `${name}.ts`].map((f) => path.join(root, "bench", f)) : [];
const file = candidates.find((f) => existsSync(f));
if (!file) {
  const names = readdirSync(path.join(root, "bench")).map((f) => f.replace(/\.(mjs|ts)$/, ""));
  console.error(`usage: npm run bench -- NAME\nbenchmarks: ${[...new Set(names)].join(", ")}`);
  process.exit(2);
}
const args = file.endsWith(".ts") ? ["--import", "tsx", file] : [file];
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(3)], { stdio: "inherit", cwd: root });
process.exit(result.status ?? 1);
