// Pause and maintenance windows (alerts/pause.ts): POST sets a project's window, DELETE ends it now.
// Verdicts and incidents go on while paused; only alerts are held.
import type { FastifyInstance } from "fastify";
import { Type, type TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { badRequest, notFound } from "../errors.ts";
import { CONTROL_FREE } from "../../control.ts";
import { Errors, IdParams, ProjectDetail } from "../schemas.ts";
import { projectDetailOr404 } from "../project-detail.ts";
import { isPaused, pauseWindow, type PauseSpan } from "../../alerts/pause.ts";
import { parseJson } from "../../store/json.ts";

export const PAUSE_REASON_MAX = 200;

const PauseBody = Type.Object(
  {
    until: Type.String({ format: "date-time", maxLength: 40, description: "ISO 8601 date-time in the future, at most 30 days ahead" }),
    reason: Type.Optional(Type.String({ maxLength: PAUSE_REASON_MAX, pattern: CONTROL_FREE, description: "why, shown as given: \"paused until 14:00 UTC: migrating\"" })),
  },
  { additionalProperties: false },
);

export default async function pauseRoutes(base: FastifyInstance) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook("onRequest", app.requireAdmin);
  const windowOf = (id: string) => app.store.project.findUnique({ where: { id }, select: { pausedAt: true, pausedUntil: true, pausedBefore: true } });

  app.post("/api/v1/projects/:id/pause", { schema: { params: IdParams, body: PauseBody, response: { 200: ProjectDetail, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    const current = await windowOf(id);
    if (!current) throw notFound(`project ${id}`);
    const now = new Date();
    let window;
    try {
      window = pauseWindow(current, parseJson<PauseSpan[]>(current.pausedBefore, []), new Date(request.body.until), now);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    const reason = request.body.reason?.trim() || null;
    await app.store.project.update({ where: { id }, data: { ...window, pausedBefore: JSON.stringify(window.pausedBefore), pauseReason: reason } });
    request.log.info({ projectId: id, pausedUntil: window.pausedUntil }, "project paused: alerts held");
    return projectDetailOr404(app, id);
  });

  app.delete("/api/v1/projects/:id/pause", { schema: { params: IdParams, response: { 200: ProjectDetail, ...Errors }, tags: ["projects"] } }, async (request) => {
    const { id } = request.params;
    const current = await windowOf(id);
    if (!current) throw notFound(`project ${id}`);
    const now = new Date();
    // The window ends now and is kept: incidents that came and went inside it stay untold (alerts/pause.ts).
    if (isPaused(current, now)) await app.store.project.update({ where: { id }, data: { pausedUntil: now } });
    return projectDetailOr404(app, id);
  });
}
