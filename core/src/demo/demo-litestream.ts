// Which Litestream the demo replicates with: 0.5, the agent's default, when its binary is here.
//
//   demoLitestream(env, find05): { line: "0.3" | "0.5"; bin: string | null; note: string | null }   pure
//     env: the demo's environment (BORELA_LITESTREAM_VERSION, LITESTREAM_BIN); find05: the 0.5 binary's
//     path, or throws (resolveLitestreamBinFor("0.5") in the shell). `bin` is what the printed plain
//     `litestream restore` names (null: the npm 0.3 binary through npx); `note` a line for the console.
//
// Why a fallback: `npm start` on a machine where scripts/install-litestream05.sh has not run (no Go)
// should still show the demo; it runs 0.3 from npm then and says how to get 0.5.
import type { LitestreamLine } from "../litestream/binary.ts";

export interface DemoLitestream {
  line: LitestreamLine;
  bin: string | null;
  note: string | null;
}

export function demoLitestream(env: Record<string, string | undefined>, find05: () => string): DemoLitestream {
  if (env.BORELA_LITESTREAM_VERSION === "0.3") return { line: "0.3", bin: env.LITESTREAM_BIN || null, note: null };
  try {
    return { line: "0.5", bin: env.LITESTREAM_BIN || find05(), note: null };
  } catch (err) {
    return { line: "0.3", bin: env.LITESTREAM_BIN || null, note: `demo: replicating with Litestream 0.3 from npm (${(err as Error).message})` };
  }
}
