-- Retiring a project's last database is the operator's deliberate act, not a fault: the core keeps the last
-- database retired (its name and when) so a project left with none says nothing is watched, and why, rather
-- than "the agent reports no databases" with an alerting incident (freshness/retired.ts).
ALTER TABLE "Project" ADD COLUMN "retiredName" TEXT;
ALTER TABLE "Project" ADD COLUMN "retiredAt" DATETIME;
