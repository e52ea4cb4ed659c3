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

// Reported text shown to people (alerts): the characters above plus the bidi embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069), which reorder what follows them on screen.
//
//   markControls(s: string, keepNewlines = false): string
//     pure: each such character becomes "�" (U+FFFD); with keepNewlines, "\n" (and "\r\n" as "\n") stays
//   SHOWN          RegExp (global): matches each such character (terminal-text.ts escapes them)

export const SHOWN = new RegExp(`[${CHARS}\\u202a-\\u202e\\u2066-\\u2069]`, "g");
const SHOWN_BUT_NEWLINE = new RegExp(`[${CHARS.replace("\\u0000-\\u001f", "\\u0000-\\u0009\\u000b-\\u001f")}\\u202a-\\u202e\\u2066-\\u2069]`, "g");

export function markControls(s: string, keepNewlines = false): string {
  return keepNewlines ? s.replace(/\r\n/g, "\n").replace(SHOWN_BUT_NEWLINE, "\ufffd") : s.replace(SHOWN, "\ufffd");
}
