// Serves the built dashboard (dashboard/dist) at `/`. Any other GET that is
// not an API path gets index.html, so the SPA's own routes (/projects/:id,
// /settings) survive a reload; API-like paths keep their JSON 404.
import { statSync } from "node:fs";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import fastifyStatic from "@fastify/static";
import { ApiError } from "../errors.ts";

const API_PATHS = /^\/(api|docs|healthz|badge|ping)(\/|$)/;

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Borela</title></head>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem">
<h1>Borela</h1>
<p>The API is running, but the dashboard has not been built yet.</p>
<p>Build it from the repository root with <code>node scripts/build-dashboard.mjs</code> (or <code>npx vite build</code> in <code>dashboard/</code>), then reload this page.</p>
<p>The API is documented at <a href="/docs">/docs</a>.</p>
</body></html>
`;

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The dist-relative file for a URL path, or null when it would leave dist or does not exist. */
function distFile(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes("\0")) return null;
  const file = path.resolve(root, `.${decoded}`);
  if (!file.startsWith(root + path.sep) || !isFile(file)) return null;
  return path.relative(root, file);
}

export default async function dashboardRoutes(app: FastifyInstance) {
  const root = app.config.dashboardDir;
  await app.register(fastifyStatic, { root, serve: false });

  app.get("/*", { schema: { hide: true } }, async (request, reply) => {
    const urlPath = request.url.split("?")[0];
    if (API_PATHS.test(urlPath)) throw new ApiError(404, "not_found", `no route ${request.method} ${urlPath}`);
    if (!isFile(path.join(root, "index.html"))) return reply.type("text/html; charset=utf-8").send(NOT_BUILT);
    const file = urlPath === "/" ? null : distFile(root, urlPath);
    if (!file && /\.[A-Za-z0-9]+$/.test(urlPath)) throw new ApiError(404, "not_found", `no file ${urlPath}`);
    // Vite puts a content hash in every asset name, so assets never change.
    if (file?.startsWith(`assets${path.sep}`)) return reply.sendFile(file, { maxAge: "365d", immutable: true });
    return reply.header("cache-control", "no-cache").sendFile(file ?? "index.html", { cacheControl: false });
  });
}
