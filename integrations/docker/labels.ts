// The Docker label scheme: one prefix for every key.
//   dev.borela.enable=true                       opt in
//   dev.borela.databases=/data/app.sqlite3,...   absolute paths inside the container
//   dev.borela.project=<name>                    default: the container's name
//   dev.borela.replica=<url>                     bring-your-own replica (default: managed)
//   dev.borela.server=<url>                      the core (default: discover's --server)
//   dev.borela.user=<uid>:<gid>                  the sidecar's user (default: the database's owner)
export const PREFIX = "dev.borela.";
const KEYS = new Set(["enable", "databases", "project", "replica", "server", "user", "sidecar-for", "config-hash", "app-name"]);

export interface BorelaLabels {
  project: string;
  databases: string[];
  replica: string | null;
  server: string | null;
  /** "UID:GID"; null: the image's entrypoint runs the agent as the owner of the database. */
  user: string | null;
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
  const rawUser = labels[`${PREFIX}user`] ?? null;
  if (rawUser !== null && !/^\d{1,10}(:\d{1,10})?$/.test(rawUser)) throw new LabelError(`container ${container}: label ${PREFIX}user ${JSON.stringify(rawUser)} must be UID:GID in numbers, e.g. 1000:1000`);
  const user = rawUser === null ? null : rawUser.includes(":") ? rawUser : `${rawUser}:${rawUser}`;
  return { project, databases, replica, server, user };
}
