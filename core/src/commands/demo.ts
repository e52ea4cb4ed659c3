import { parseFlags, UsageError } from "./args.ts";
import { loadConfig } from "../config.ts";
import { openStore } from "../store/db.ts";
import { resetDemo } from "../demo/demo.ts";
import { DemoRunningError } from "../demo/lock.ts";

/** `borela demo --reset` removes the demo project and its files; `npm start` (serve --demo) creates it. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { reset: { type: "boolean" }, "data-dir": { type: "string" } }, false);
  if (!values.reset) throw new UsageError("the demo starts with `npm start` (borela serve --demo); `borela demo --reset` removes it");
  const config = loadConfig(undefined, values["data-dir"] ? { dataDir: values["data-dir"] } : {});
  const store = await openStore(config.dataDir);
  let removed: boolean;
  try {
    removed = await resetDemo(store, config.dataDir);
  } catch (err) {
    if (!(err instanceof DemoRunningError)) throw err;
    process.stderr.write(`borela demo: ${err.message}\n`);
    return 1;
  } finally {
    await store.$disconnect();
  }
  process.stderr.write(removed ? "demo project removed\n" : "no demo project to remove; demo files cleared\n");
  return 0;
}
