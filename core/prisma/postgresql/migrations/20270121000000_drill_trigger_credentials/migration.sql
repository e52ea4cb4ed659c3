-- A drill queued when a project's read credentials are stored over a drill that failed or could not run
-- (drills/credentials-drill.ts). SQLite stores the enum as TEXT: no migration there.
ALTER TYPE "DrillTrigger" ADD VALUE 'credentials';
