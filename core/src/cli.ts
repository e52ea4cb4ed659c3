// borela <command> [...]: each command lives in src/commands/<command>.ts and
// exports `run(args: string[]): Promise<number>` (the exit code).
import { ConfigError } from "./config.ts";
import { UsageError } from "./commands/args.ts";

const COMMANDS: Record<string, string> = {
  serve: "start the core: API, dashboard, sweeper and embedded drill queue",
  agent: "watch databases, supervise Litestream and send heartbeats",
  worker: "process drills from the BullMQ queue",
  drill: "run or list restore drills (drill run <project> [--wait], drill list <project>)",
  restore: "restore a database from its replica",
  demo: "set up the demo project (demo --reset removes it)",
  init: "print a snippet: init compose|coolify|docker-run|systemd --database PATH",
  discover: "start sidecars for containers labelled dev.borela.enable=true",
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, what]) => `  ${name.padEnd(9)} ${what}`);
  return `usage: borela <command> [options]\n\ncommands:\n${lines.join("\n")}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  if (!(name in COMMANDS)) {
    process.stderr.write(`borela: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  try {
    const command = (await import(`./commands/${name}.ts`)) as { run(args: string[]): Promise<number> };
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`borela ${name}: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
