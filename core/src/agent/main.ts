// Entry point of the agent alone, for a bundled build that runs on plain
// node without tsx (see bundle.ts): the same as `borela agent`.
import { UsageError } from "../commands/args.ts";
import { run } from "../commands/agent.ts";
import { ConfigError } from "../config.ts";

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError || err instanceof ConfigError)) throw err;
  process.stderr.write(`borela agent: ${err.message}\n`);
  process.exitCode = 2;
}
