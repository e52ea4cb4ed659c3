// A tiny history router: the path is state, links call navigate().
let path = $state(location.pathname);

addEventListener("popstate", () => {
  path = location.pathname;
});

export const route = {
  get path() {
    return path;
  },
};

export function navigate(to: string): void {
  if (to === location.pathname + location.search) return;
  history.pushState(null, "", to);
  path = location.pathname;
  scrollTo(0, 0);
}

/** onclick for <a href>: client-side navigation for plain left clicks. */
export function link(event: MouseEvent): void {
  const a = event.currentTarget as HTMLAnchorElement;
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(a.getAttribute("href")!);
}

/** Matches "/projects/:id/settings"-style patterns; null when the path does not match. */
export function match(pattern: string, p: string): Record<string, string> | null {
  const a = pattern.split("/");
  const b = p.replace(/\/+$/, "").split("/");
  if (p === "/") b.length = 2;
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(":")) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}
