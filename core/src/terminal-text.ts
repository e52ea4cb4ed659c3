// What the CLI prints that came from an agent, a replica or the store (drill warnings and errors, table and
// project names, the core's error answers) is data: a terminal would obey the escape sequences in it
// (clear the screen, set the window title, recolour or rewrite what was printed before). Every such line
// goes out through here; an older core, or a row stored before the checks at ingest, may still hold them.
//
//   terminalSafe(s: string): string     pure: each character control.ts marks (C0 controls, line breaks and
//                                       tabs too; DEL; C1 controls; U+2028/U+2029; bidi embeddings, overrides
//                                       and isolates) shown as a visible escape ("\x1b", "\x9b", "\u202e")
//   printLine(stream, line): void       writes terminalSafe(line) and one "\n"

import { SHOWN } from "./control.ts";

export function terminalSafe(s: string): string {
  return s.replace(SHOWN, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

export function printLine(stream: { write(s: string): unknown }, line: string): void {
  stream.write(`${terminalSafe(line)}\n`);
}
