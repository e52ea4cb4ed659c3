import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

/** A flag the command does not know (`--wiat`); cli.ts adds which `--help` to read. */
export class UnknownOptionError extends UsageError {
  constructor(readonly option: string) {
    super(`unknown option ${option}`);
  }
}

/** "unknown option --wiat (see borela drill run --help)"; `command` is the words after `borela`. */
export function unknownOptionMessage(option: string, command: string): string {
  return `unknown option ${option} (see borela ${command} --help)`;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * `--interval -5` → `--interval=-5` for options that take a value, so a negative number reaches the
 * command's own check (which names the value) instead of parseArgs' "argument is ambiguous".
 */
export function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = /^--([^=]+)$/.exec(args[i]);
    const next = args[i + 1];
    if (flag && options[flag[1]]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else {
      out.push(args[i]);
    }
  }
  return out;
}

/**
 * node:util parseArgs with errors that name the bad flag as a UsageError; an unknown flag is an
 * UnknownOptionError (parseArgs' ERR_PARSE_ARGS_UNKNOWN_OPTION names it as `'--flag'` in its message).
 */
export function parseFlags<T extends Options>(args: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const option = e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(-[^']*)'/.exec(e.message)?.[1] : undefined;
    if (option) throw new UnknownOptionError(option.split("=")[0]);
    throw new UsageError(e.message);
  }
}
