// Control characters Borela refuses in what people name, report and copy (project names, database and
// replica paths, replica URLs, pause reasons, snippet fields): C0 controls, DEL, C1 controls (U+0085 NEL
// among them) and the Unicode line and paragraph separators U+2028/U+2029. Each can break a line in a
// log, an alert, a YAML file or a shell snippet, or hide what follows it; a NUL makes every fs call throw.
//
//   CONTROL        RegExp: matches one such character
//   CONTROL_FREE   JSON-schema `pattern` (a string): a whole string without one

const CHARS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029";

export const CONTROL = new RegExp(`[${CHARS}]`);
export const CONTROL_FREE = `^[^${CHARS}]*$`;
