-- The same as the SQLite migration of this name (the agent token generation a PostgreSQL core's token cache
-- checks: store/postgres/agent-auth.ts), with statement triggers: one bump for a revocation of many tokens.
CREATE OR REPLACE FUNCTION "bump_agent_token_generation"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "Setting" ("key", "value") VALUES ('agent-token-generation', '1')
    ON CONFLICT ("key") DO UPDATE SET "value" = (CAST("Setting"."value" AS BIGINT) + 1)::text;
  RETURN NULL;
END $$;

CREATE TRIGGER "AgentToken_generation_update" AFTER UPDATE OF "revokedAt", "expiresAt" ON "AgentToken"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_agent_token_generation"();

CREATE TRIGGER "AgentToken_generation_delete" AFTER DELETE ON "AgentToken"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_agent_token_generation"();

CREATE TRIGGER "Project_generation_grace" AFTER UPDATE OF "heartbeatGraceSeconds" ON "Project"
  FOR EACH STATEMENT EXECUTE FUNCTION "bump_agent_token_generation"();
