// The public status badge, like healthchecks.io's: no auth, found by the
// project's unguessable badge key, showing only the status and its colour,
// and a failed or overdue drill beside it ("fresh, drill failed").
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Errors, Raw } from "../schemas.ts";
import { notFound } from "../errors.ts";
import { drillStatus, type DrillStatus } from "../../drills/drill-status.ts";
import { isPaused } from "../../alerts/pause.ts";

export const BADGE_COLOURS: Record<string, string> = {
  fresh: "#2e7d32",
  stale: "#c25e00",
  silent: "#b3261e",
  error: "#b3261e",
  unknown: "#6b6b6b",
};

/** The badge's message and colour: the freshness status, and a failed or overdue drill when there is one (the worse colour wins). */
export function badgeMessage(status: string, drill: DrillStatus): { message: string; colour: string } {
  const s = status in BADGE_COLOURS ? status : "unknown";
  if (drill === "failed") return { message: `${s}, drill failed`, colour: BADGE_COLOURS.error };
  if (drill === "overdue") return { message: `${s}, drill overdue`, colour: s === "fresh" || s === "unknown" ? BADGE_COLOURS.stale : BADGE_COLOURS[s] };
  return { message: s, colour: BADGE_COLOURS[s] };
}

const Params = Type.Object({ file: Type.String({ maxLength: 200 }) }, { additionalProperties: false });
const FILE = /^([A-Za-z0-9_-]{8,64})\.svg$/;

/** Approximate width of 11px Verdana text, the usual badge font. */
function textWidth(text: string): number {
  let w = 0;
  for (const c of text) w += /[ilj.:,;!|']/.test(c) ? 3.5 : /[mwMW]/.test(c) ? 10 : /[A-Z]/.test(c) ? 7.5 : 6.5;
  return Math.ceil(w);
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function badgeSvg(label: string, message: string, colour: string): string {
  const lw = textWidth(label) + 12;
  const mw = textWidth(message) + 12;
  const w = lw + mw;
  const [l, m] = [escape(label), escape(message)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${l}: ${m}"><title>${l}: ${m}</title><clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath><g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${colour}"/></g><g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11"><text x="${lw / 2}" y="14">${l}</text><text x="${lw + mw / 2}" y="14">${m}</text></g></svg>`;
}

export default async function badgeRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const response = { 200: Raw("image/svg+xml", "the badge"), ...Errors };
  app.get("/badge/:file", { schema: { params: Params, response, tags: ["badge"], security: [] } }, async (request, reply) => {
    const { file } = request.params;
    const badgeKey = FILE.exec(file)?.[1];
    const project = badgeKey
      ? await app.store.project.findUnique({
          where: { badgeKey },
          select: {
            status: true,
            pausedAt: true,
            pausedUntil: true,
            incidents: { where: { resolvedAt: null, kind: { in: ["drill_failed", "drill_overdue"] } }, select: { kind: true } },
            databases: { select: { drills: { where: { status: { in: ["passed", "failed", "error"] } }, orderBy: { finishedAt: "desc" }, take: 1, select: { status: true } } } },
          },
        })
      : null;
    if (!project) throw notFound("badge");
    const drill = drillStatus(project.incidents.map((i) => i.kind), project.databases.flatMap((d) => d.drills.map((x) => x.status)));
    const { message, colour } = badgeMessage(project.status, drill);
    return reply
      .header("content-type", "image/svg+xml; charset=utf-8")
      .header("cache-control", "no-cache, max-age=0")
      // A paused project's alerts are held (alerts/pause.ts): the badge says so beside its status.
      .send(badgeSvg("backup", isPaused(project, new Date()) ? `${message}, paused` : message, colour));
  });
}
