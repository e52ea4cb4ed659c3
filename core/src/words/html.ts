// Text made literal in HTML-like markup: the email's HTML body, and Slack's
// message text (which reads only &, < and > as markup).
//
//   escapeHtml(s: string, only?: string): string   each character of `only` (all five by default) as its entity

const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** `s` with `&`, `<`, `>`, `"`, `'` (or only the characters of `only`, a subset) replaced by their entities. */
export function escapeHtml(s: string, only = `&<>"'`): string {
  return [...s].map((ch) => (only.includes(ch) ? (ENTITY[ch] ?? ch) : ch)).join("");
}
