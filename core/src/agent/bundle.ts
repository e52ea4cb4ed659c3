// Builds the agent into one ESM file that runs on plain node (no tsx, whose
// loader thread alone costs ~40 MB of RSS): what a sidecar image should run.
//
//   bundleAgent(outfile: string): Promise<void>
//   node --import tsx core/src/agent/bundle.ts <outfile>
// better-sqlite3 stays external (native; loaded only with --count-rows), so the
// outfile must sit where node_modules resolves (inside the repository or image).
import path from "node:path";
import { fileURLToPath } from "node:url";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "main.ts");

export async function bundleAgent(outfile: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    external: ["better-sqlite3"],
    banner: { js: 'import { createRequire as __borelaRequire } from "node:module"; const require = __borelaRequire(import.meta.url);' },
    logLevel: "warning",
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    process.stderr.write("usage: node --import tsx core/src/agent/bundle.ts <outfile>\n");
    process.exit(2);
  }
  await bundleAgent(path.resolve(out));
  process.stdout.write(`${path.resolve(out)}\n`);
}
