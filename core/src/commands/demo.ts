import { parseFlags, UsageError } from "./args.ts";
import { loadConfig } from "../config.ts";
import { openConfiguredStore } from "../store/open.ts";
import { resetDemo } from "../demo/demo.ts";
import { DemoFilesError } from "../demo/remove-files.ts";
import { lockOrSay } from "./data-dir.ts";
import { printLine } from "../terminal-text.ts";

/** `borela demo --reset` removes the demo project and its files; `npm start` (serve --demo) creates it. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { reset: { type: "boolean" }, "data-dir": { type: "string" } }, false);
  if (!values.reset) throw new UsageError("the demo starts with `npm start` (borela serve --demo); `borela demo --reset` removes it");
  const config = loadConfig(undefined, values["data-dir"] ? { dataDir: values["data-dir"] } : {});
  // Held through the reset: no serve runs on this data dir meanwhile, and none starts.
  const lock = lockOrSay("borela demo", config.dataDir, { command: "borela demo --reset", port: null });
  if (!lock) return 1;
  let removed: boolean;
  try {
    const opened = await openConfiguredStore(config);
    try {
      removed = await resetDemo(opened.store, config.dataDir);
    } finally {
      await opened.close();
    }
  } catch (err) {
    if (!(err instanceof DemoFilesError)) throw err;
    printLine(process.stderr, `borela demo: ${err.message}`);
    return 1;
  } finally {
    lock.release();
  }
  process.stderr.write(removed ? "demo project removed\n" : "no demo project to remove; demo files cleared\n");
  return 0;
}
