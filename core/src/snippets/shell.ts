// The one shell-quoting builder for every command and snippet people copy
// (restore commands, `docker run`, the dashboard, emails, chat messages).
// Words are quoted for POSIX sh, bash, dash and zsh alike.

// Words made only of these need no quotes; a leading "=" (zsh's =cmd expansion) or "~" (tilde expansion) always does.
const BARE = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;

/**
 * One word for a shell: returned bare when it holds only safe characters, otherwise single-quoted,
 * with each `'` written as `'\''`. Inside single quotes the shell expands nothing (`$( )`, backticks,
 * `;`, newlines are literal), so the word arrives as exactly one argument, byte for byte. "" → `''`.
 */
export function shellQuote(word: string): string {
  if (BARE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words, each quoted with shellQuote: ["litestream", "restore", url] → "litestream restore 's3://…'". */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(" ");
}
