// The Docker label scheme: one prefix for every key.
//   dev.borela.enable=true                       opt in
//   dev.borela.databases=/data/app.sqlite3,...   absolute paths inside the container
//   dev.borela.project=<name>                    default: the container's name
//   dev.borela.replica=<url>                     bring-your-own replica (default: managed)
//   dev.borela.server=<url>                      the core (default: discover's --server)
export const PREFIX = "dev.borela.";
const KEYS = new Set(["enable", "databases", "project", "replica", "server", "sidecar-for", "config-hash", "app-name"]);

export interface BorelaLabels {
  project: string;
  databases: string[];
  replica: string | null;
  server: string | null;
}

export class LabelError extends Error {}

/** Null when the container did not opt in; throws a LabelError naming the container and the key. */
export function parseLabels(container: string, labels: Record<string, string>): BorelaLabels | null {
  const ours = Object.entries(labels).filter(([k]) => k.startsWith(PREFIX));
  for (const [key] of ours) {
    if (!KEYS.has(key.slice(PREFIX.length))) throw new LabelError(`container ${container}: unknown label ${key} (known: ${[...KEYS].map((k) => PREFIX + k).join(", ")})`);
  }
  const enable = labels[`${PREFIX}enable`];
  if (enable === undefined || enable === "false") return null;
  if (enable !== "true") throw new LabelError(`container ${container}: label ${PREFIX}enable must be true or false, not ${JSON.stringify(enable)}`);
  const raw = labels[`${PREFIX}databases`] ?? "";
  const databases = raw.split(",").map((d) => d.trim()).filter(Boolean);
  if (databases.length === 0) throw new LabelError(`container ${container}: label ${PREFIX}databases lists no database`);
  for (const db of databases) {
    if (!db.startsWith("/")) throw new LabelError(`container ${container}: label ${PREFIX}databases has a relative path ${JSON.stringify(db)}`);
  }
  const project = labels[`${PREFIX}project`] ?? container.replace(/^\//, "");
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/.test(project)) throw new LabelError(`container ${container}: label ${PREFIX}project ${JSON.stringify(project)} is not a valid project name`);
  const replica = labels[`${PREFIX}replica`] ?? null;
  if (replica !== null && !/^(s3|file):\/\/\S+$/.test(replica)) throw new LabelError(`container ${container}: label ${PREFIX}replica ${JSON.stringify(replica)} must be an s3:// or file:// URL`);
  const server = labels[`${PREFIX}server`] ?? null;
  if (server !== null) {
    try {
      new URL(server);
    } catch {
      throw new LabelError(`container ${container}: label ${PREFIX}server ${JSON.stringify(server)} is not a URL`);
    }
  }
  return { project, databases, replica, server };
}
