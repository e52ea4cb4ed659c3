// The core as bundles for the image (scripts/build-image.mjs), so the image needs no node_modules tree of
// the core's dependencies and no tsx:
//   core/bin/borela.js                          the `borela` CLI (core/src/cli.ts and all it imports)
//   core/src/drills/isolation/drill-child.mjs   the isolated drill child (child.ts; child-bundle.ts finds it)
// better-sqlite3 stays external (native): the image keeps node_modules/better-sqlite3 alone.
//
//   bundleCore(outDir): Promise<{ files: { file: string, bytes: number }[], assets: string[] }>
//     writes the bundles under outDir at those paths; files: the bundles (outDir-relative) and their sizes;
//     assets: the repository-relative files and folders the bundles read at run time, which the image
//     must hold at the same places (migrations, the dashboard, the drill's inspect worker, swagger-ui's static files).
//
// Modules find files beside themselves (import.meta.url, import.meta.dirname, CommonJS __dirname), and a
// bundle has one place for all of them: each module's own place is kept, written relative to the bundle
// (store/migrate.ts's import.meta.url becomes new URL("../src/store/migrate.ts", <the bundle's URL>)), so every such path resolves in the image as in
// the repository as long as the image keeps the repository's layout under /app.
import { build } from "esbuild";
import { readFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** What the bundles read beside their modules at run time (repository-relative). */
export const CORE_ASSETS = ["core/prisma/migrations", "core/prisma/postgresql/migrations", "dashboard/dist", "core/src/drills/inspect-worker.mjs", "core/src/store/checkpoint-worker.mjs", "node_modules/@fastify/swagger-ui/static"];

/** Rewrites a module's references to its own place into places relative to the bundle's (see above). */
function ownPlace(bundleDir) {
  return {
    name: "own-place",
    setup(b) {
      b.onLoad({ filter: /\.(m?[jt]s|cjs)$/ }, async (args) => {
        let text = await readFile(args.path, "utf8");
        const usesMeta = /import\.meta\.(url|dirname|filename)/.test(text);
        const usesCjs = /\b__(dirname|filename)\b/.test(text) && !/\.(mjs|ts)$/.test(args.path);
        if (!usesMeta && !usesCjs) return undefined;
        const rel = path.relative(bundleDir, args.path).split(path.sep).join("/");
        // Through the banner's helpers: import.meta in a CommonJS module would make esbuild treat it as ESM.
        const url = `__borelaAt(${JSON.stringify(rel)})`;
        const file = `__borelaPath(${url})`;
        if (usesMeta) {
          text = text
            .replace(/import\.meta\.url/g, url)
            .replace(/import\.meta\.filename/g, file)
            .replace(/import\.meta\.dirname/g, `__borelaDir(${url})`);
        }
        const loader = args.path.endsWith(".ts") ? "ts" : "js";
        // CommonJS modules run inside a function in the bundle: these vars stay theirs.
        if (usesCjs) text = `var __filename = ${file}; var __dirname = __borelaDir(${url});\n${text}`;
        return { contents: text, loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
}

const BANNER = [
  'import { createRequire as __borelaRequire } from "node:module";',
  'import { fileURLToPath as __borelaPath } from "node:url";',
  'import { dirname as __borelaDirname } from "node:path";',
  "const require = __borelaRequire(import.meta.url);",
  "const __borelaAt = (rel) => new URL(rel, import.meta.url).href;",
  "const __borelaDir = (u) => __borelaDirname(__borelaPath(u));",
].join(" ");

// `serve` re-runs itself with its heap flags (core/bin/serve-heap.js) before the CLI's modules load.
const CLI_ENTRY = [
  'import { fileURLToPath } from "node:url";',
  'import { execServeWithHeap } from "./core/bin/serve-heap.js";',
  "execServeWithHeap(fileURLToPath(import.meta.url));",
  'const { main } = await import("./core/src/cli.ts");',
  "process.exitCode = await main(process.argv.slice(2));",
].join("\n");

async function bundle(outDir, { entry, stdin, outfile }) {
  const out = path.join(outDir, outfile);
  const result = await build({
    ...(stdin ? { stdin: { contents: stdin, resolveDir: root, sourcefile: "borela-entry.mjs", loader: "js" } } : { entryPoints: [path.join(root, entry)] }),
    outfile: out,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    minify: true,
    keepNames: true,
    legalComments: "none",
    // Native, or loaded only where the image cannot have them (esbuild: child-bundle.ts's fallback, unused with the prebuilt child).
    external: ["better-sqlite3", "esbuild", "cpu-features", "*.node"],
    banner: { js: BANNER },
    plugins: [ownPlace(path.dirname(path.join(root, outfile)))],
    metafile: true,
    logLevel: "warning",
  });
  return { file: outfile, bytes: Object.values(result.metafile.outputs)[0].bytes };
}

export async function bundleCore(outDir) {
  const files = [
    await bundle(outDir, { stdin: CLI_ENTRY, outfile: "core/bin/borela.js" }),
    await bundle(outDir, { entry: "core/src/drills/isolation/child.ts", outfile: "core/src/drills/isolation/drill-child.mjs" }),
  ];
  return { files, assets: CORE_ASSETS };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const outDir = path.resolve(process.argv[2] ?? "sidecar-image/build/core-bundle");
  const { files } = await bundleCore(outDir);
  for (const f of files) process.stdout.write(`${path.join(outDir, f.file)}: ${Math.round(f.bytes / 1e3)} kB\n`);
}
