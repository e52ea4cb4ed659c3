// borela <command> [...]: the commands are the table in src/commands/table.ts;
// each lives in src/commands/<command>.ts and exports
// `run(args: string[]): Promise<number>` (the exit code). `--help` anywhere
// prints the command's (or subcommand's) usage from the table, exit 0.
import { ConfigError } from "./config.ts";
import { UnknownOptionError, unknownOptionMessage, UsageError } from "./commands/args.ts";
import { COMMANDS, commandHelp, commandList, helpTarget } from "./commands/table.ts";
import { printLine } from "./terminal-text.ts";

/** Help text with `{init-targets}` replaced by the snippet kinds (render.ts is loaded only here). */
async function withInitTargets(text: string): Promise<string> {
  if (!text.includes("{init-targets}")) return text;
  const { INIT_KINDS } = await import("./snippets/render.ts");
  return text.replaceAll("{init-targets}", INIT_KINDS.join("|"));
}

/** The command's words for its `--help`: `drill run` when the first argument names a subcommand, else `drill`. */
export function commandPath(name: string, args: string[]): string {
  const sub = args[0];
  return sub !== undefined && COMMANDS[name]?.subcommands && Object.hasOwn(COMMANDS[name].subcommands, sub) ? `${name} ${sub}` : name;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(await withInitTargets(commandList()));
    return name ? 0 : 2;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    process.stderr.write(`borela: unknown command ${JSON.stringify(name)}\n\n${await withInitTargets(commandList())}`);
    return 2;
  }
  const help = helpTarget(name, args);
  if (help) {
    process.stdout.write(await withInitTargets(commandHelp(help)));
    return 0;
  }
  try {
    const command = (await import(`./commands/${name}.ts`)) as { run(args: string[]): Promise<number> };
    return await command.run(args);
  } catch (err) {
    if (err instanceof UnknownOptionError) {
      printLine(process.stderr, `borela ${name}: ${unknownOptionMessage(err.option, commandPath(name, args))}`);
      return 2;
    }
    if (err instanceof UsageError || err instanceof ConfigError) {
      printLine(process.stderr, `borela ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}
