// Environment expansion as Litestream applies it to its config file (Go's
// os.ExpandEnv): `${NAME}` and `$NAME` are replaced by the variable's value,
// unset variables by "". The agent's own YAML file uses the same rule.
//
//   expandEnv(text: string, env: Record<string, string | undefined>): string
//   referencedVariables(text: string): string[]   names used, for "unset variable" messages
const PATTERN = /\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function expandEnv(text: string, env: Record<string, string | undefined>): string {
  return text.replace(PATTERN, (_m, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ""] ?? "");
}

export function referencedVariables(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PATTERN)) names.add(m[1] ?? m[2]);
  return [...names];
}
