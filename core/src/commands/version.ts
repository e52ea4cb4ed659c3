// borela version: Borela's version, then one line per Litestream binary found
// (the 0.3 line from npm, the 0.5 line built by scripts/install-litestream05.sh):
//   borela 0.1.0
//   litestream 0.3: v0.3.13 (/…/@flydotio/litestream-linux-x64/litestream)
//   litestream 0.5: v0.5.16 (/…/.tools/bin/litestream-0.5)
// LITESTREAM_BIN, when set, is named on its own line: it overrides both.
import pkg from "../../package.json" with { type: "json" };
import { processEnv } from "../config.ts";
import { findLitestreamBinaries, litestreamVersion } from "../litestream/binary.ts";
import { parseFlags } from "./args.ts";

export async function run(args: string[]): Promise<number> {
  parseFlags(args, {}, false);
  const lines = [`borela ${pkg.version}`];
  const { searchPath, litestreamBin: override } = processEnv();
  for (const found of await findLitestreamBinaries(searchPath)) {
    lines.push(`litestream ${found.line}: ${found.version ?? "does not run"} (${found.path})`);
  }
  if (override) lines.push(`LITESTREAM_BIN: ${await litestreamVersion(override).catch(() => "does not run")} (${override})`);
  if (lines.length === 1) lines.push("litestream: none found (npm install, scripts/install-litestream05.sh, or LITESTREAM_BIN)");
  process.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
