-- Pause and maintenance windows (issue 19): while a project is paused its verdicts and incidents go on as
-- usual and no alert is planned (alerts/pause.ts). The window is kept after it ends (pausedUntil in the past,
-- or set to the moment of DELETE …/pause) so the planner can tell an incident that came and went inside it
-- (nothing to send) from one still open when it ended (announced once).
ALTER TABLE "Project" ADD COLUMN "pausedAt" DATETIME;
ALTER TABLE "Project" ADD COLUMN "pausedUntil" DATETIME;
ALTER TABLE "Project" ADD COLUMN "pauseReason" TEXT;
-- Earlier windows that ended within the last day, JSON [{from, until}] (ISO): a new pause must not make an
-- incident that came and went inside the previous one news again.
ALTER TABLE "Project" ADD COLUMN "pausedBefore" TEXT NOT NULL DEFAULT '[]';
