// The one table of `borela` commands: what each does, its usage line and its
// options. cli.ts prints `--help` for every command and subcommand from here and
// dispatches to src/commands/<module>.ts; no command prints its own help.
// `{init-targets}` stands for the snippet kinds: cli.ts reads them from
// snippets/render.ts only when it prints help (that module loads the YAML
// writer, which every other command, the bundled agent included, does without).

export interface CommandSpec {
  /** One line for the command list. */
  summary: string;
  /** The usage line, after "Usage: ". */
  usage: string;
  /** Option and argument lines, printed under the usage line. */
  options: string;
  /** Subcommands, named by their first argument (`drill run`). */
  subcommands?: Record<string, CommandSpec>;
}

// Shared by the commands that talk to a core (drill, restore).
const CORE_ACCESS = `
  --server URL          the core's URL (BORELA_SERVER; default http://127.0.0.1:$BORELA_PORT, port 8787)
  --token TOKEN         the admin token (BORELA_ADMIN_TOKEN)
  --data-dir DIR        read the core's store in DIR directly instead of the API (on the core's host only;
                        without this flag no store is read and no data dir is created here)`;

export const COMMANDS: Record<string, CommandSpec> = {
  serve: {
    summary: "start the core: API, dashboard, sweeper and embedded drill queue",
    usage: "borela serve [--host ADDR] [--port N] [--data-dir DIR] [--demo]",
    options: `
  --host ADDR           address to listen on (BORELA_HOST, default 127.0.0.1)
  --port N              port of the API and dashboard (BORELA_PORT, default 8787)
  --data-dir DIR        the core's SQLite store and key (BORELA_DATA_DIR, default ./data)
  --demo                also start the demo project (what \`npm start\` runs)`,
  },
  worker: {
    summary: "process drills from the BullMQ queue (needs BORELA_REDIS_URL)",
    usage: "borela worker [--concurrency N] [--data-dir DIR]",
    options: `
  --concurrency N       drills run at once, 1..64 (default 1)
  --data-dir DIR        the core's store (BORELA_DATA_DIR, default ./data); the worker shares it with the core`,
  },
  agent: {
    summary: "watch databases, supervise Litestream and send heartbeats",
    usage: "borela agent [options]",
    options: `
  --config FILE              agent YAML file (server, token, heartbeatIntervalSeconds, databases)
  --server URL               the core's URL (BORELA_SERVER)
  --token TOKEN              the project's agent token (BORELA_AGENT_TOKEN)
  --database PATH            a database to watch; repeat for several (BORELA_DATABASES, comma-separated)
  --replica-url URL          bring-your-own replica: file:///dir or s3://bucket/path (BORELA_REPLICA_URL);
                             without it the core hands out the replica (managed mode)
  --interval SECONDS         heartbeat interval, 1..3600, default 30 (BORELA_HEARTBEAT_INTERVAL_SECONDS)
  --litestream-config FILE   take databases and replicas from an existing litestream.yml
  --observe                  watch a Litestream that already runs (needs --litestream-config)
  --count-rows               report live row counts per table (BORELA_COUNT_ROWS)
  --marker                   write a _borela_marker row each heartbeat, so drills prove live writes
                             reach storage (writes to your database; BORELA_MARKER)
  --no-restart-litestream    leave Litestream down when it exits
  --litestream-version 0.3|0.5  which Litestream the agent runs (BORELA_LITESTREAM_VERSION); default 0.5;
                             0.3 for existing 0.3 replicas; 0.5 takes one replica per database
  --state-dir DIR            private directory for the rendered litestream.yml (BORELA_AGENT_STATE_DIR);
                             default <tmp>/borela-agent-<uid>-<hash of server and databases>, one per agent
  --status-file FILE         last heartbeat result for a HEALTHCHECK (BORELA_AGENT_STATUS_FILE);
                             default status.json in the state dir
  --check-config             validate the configuration, ask the core whether it accepts the token, exit`,
  },
  drill: {
    summary: "run or list restore drills",
    usage: "borela drill run|list <project> [options]",
    options: `
  run <project>         queue a drill of each database (borela drill run --help)
  list <project>        the project's latest drills (borela drill list --help)`,
    subcommands: {
      run: {
        summary: "queue a drill, and with --wait follow it to the end",
        usage: "borela drill run <project> [--database NAME] [--timestamp ISO] [--wait] [--server URL --token TOKEN | --data-dir DIR]",
        options: `
  <project>             the project's name or id
  --database NAME       drill only this database (default: each database)
  --timestamp ISO       restore the state at this time instead of the newest
  --wait                print each step and exit 0 when every drill passed, 1 when not${CORE_ACCESS}`,
      },
      list: {
        summary: "list the project's latest drills",
        usage: "borela drill list <project> [--limit N] [--server URL --token TOKEN | --data-dir DIR]",
        options: `
  <project>             the project's name or id
  --limit N             how many drills, newest first (default 20)${CORE_ACCESS}`,
      },
    },
  },
  restore: {
    summary: "restore a database from its replica into a file",
    usage: "borela restore <project> -o FILE [--database NAME] [--timestamp ISO] [--force] [--server URL --token TOKEN | --data-dir DIR]",
    options: `
  <project>             the project's name or id
  -o, --output FILE     where to write the restored database (never overwritten)
  --database NAME       which database (needed when the project has several)
  --timestamp ISO       restore the state at this time instead of the newest
  --force               restore even when the pre-checks a drill runs find damaged, overlapping or missing
                        WAL segments (the result may silently lack rows)
  Through the API the core reads the replica with its own credentials, restores it and sends the file;
  storage credentials never leave the core.${CORE_ACCESS}`,
  },
  demo: {
    summary: "remove the demo project (npm start, i.e. serve --demo, creates it)",
    usage: "borela demo --reset [--data-dir DIR]",
    options: `
  --reset               remove the demo project and its files
  --data-dir DIR        the core's store (BORELA_DATA_DIR, default ./data)`,
  },
  init: {
    summary: `print a sidecar snippet: init {init-targets} --database PATH`,
    usage: `borela init {init-targets} --database PATH [options]`,
    options: `
  --database PATH       a database of the app, as the sidecar sees it; repeat for several
  --service NAME        the app's service (compose, coolify)
  --project NAME        project name (default: the service, else "app")
  --replica URL         bring-your-own replica (default: managed by the core)
  --server URL          the core's URL (BORELA_SERVER, default http://127.0.0.1:8787)
  --volume SRC:DST      the app's volume (kamal)
  --image IMAGE         sidecar image
  --host-network        network_mode: host (compose)
  --user UID:GID        the sidecar's user (default: the database's owner, found by the image's entrypoint)
  --replica-volume NAME the volume of a file:// replica, shared with the core (default borela-replicas)
  --write [--root DIR]  systemd: install the unit and env file instead of printing them
  core-compose prints the core itself for Docker (host networking, data volume, the replica volume for drills).`,
  },
  discover: {
    summary: "start sidecars for containers labelled dev.borela.enable=true",
    usage: "borela discover [--dry-run] [--once] [--server URL] [--image IMAGE]",
    options: `
  --dry-run             print the plan and change nothing
  --once                one resync, then exit
  --server URL          the core's URL for the sidecars (BORELA_SERVER)
  --image IMAGE         sidecar image (default borela/borela:latest)
  Needs BORELA_ADMIN_TOKEN to create projects; keeps their agent tokens in $BORELA_DATA_DIR/discover-tokens.json.`,
  },
  version: {
    summary: "print Borela's version and the Litestream binaries found",
    usage: "borela version",
    options: "",
  },
};

export function commandList(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`);
  return `Usage: borela <command> [options]\n\nCommands:\n${lines.join("\n")}\n\nborela <command> --help shows a command's options.\n`;
}

export function commandHelp(spec: CommandSpec): string {
  return `Usage: ${spec.usage}\n\n${spec.summary}\n${spec.options}\n`;
}

/** The spec `--help` describes for these arguments: `drill run --help` → drill's run; `drill --help` → drill. */
export function helpTarget(name: string, args: string[]): CommandSpec | null {
  if (!args.includes("--help") && !args.includes("-h")) return null;
  const spec = COMMANDS[name];
  const sub = spec.subcommands?.[args[0]];
  return sub ?? spec;
}
