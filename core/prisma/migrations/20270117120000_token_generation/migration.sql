-- The agent token generation (issue 20, CPU per core): a Setting row every revocation, expiry change or
-- deletion of an agent token (a project's deletion too) and every change of a project's heartbeat grace
-- moves. A PostgreSQL core caches token verdicts for a minute and reads this row at most once a second
-- instead of the token at nearly every heartbeat (store/postgres/agent-auth.ts); a moved generation drops
-- its cache, so a revocation still reaches every core within the 2 s it always did. lastUsedAt and
-- rejectedAt writes leave it alone.
CREATE TRIGGER "AgentToken_generation_update" AFTER UPDATE OF "revokedAt", "expiresAt" ON "AgentToken" BEGIN
  INSERT INTO "Setting" ("key", "value") VALUES ('agent-token-generation', '1')
    ON CONFLICT ("key") DO UPDATE SET "value" = CAST(CAST("Setting"."value" AS INTEGER) + 1 AS TEXT);
END;

CREATE TRIGGER "AgentToken_generation_delete" AFTER DELETE ON "AgentToken" BEGIN
  INSERT INTO "Setting" ("key", "value") VALUES ('agent-token-generation', '1')
    ON CONFLICT ("key") DO UPDATE SET "value" = CAST(CAST("Setting"."value" AS INTEGER) + 1 AS TEXT);
END;

CREATE TRIGGER "Project_generation_grace" AFTER UPDATE OF "heartbeatGraceSeconds" ON "Project" BEGIN
  INSERT INTO "Setting" ("key", "value") VALUES ('agent-token-generation', '1')
    ON CONFLICT ("key") DO UPDATE SET "value" = CAST(CAST("Setting"."value" AS INTEGER) + 1 AS TEXT);
END;
