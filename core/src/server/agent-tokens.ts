import type { Store } from "../store/db.ts";
import { newId } from "../store/ids.ts";
import { generateToken, hashToken, tokenHint } from "./tokens.ts";

/** Creates a token for the project; the plain token is returned once and only its hash is stored. */
export async function issueAgentToken(store: Store, projectId: string) {
  const agentToken = generateToken("bra");
  const id = newId();
  await store.agentToken.create({ data: { id, projectId, hash: hashToken(agentToken), hint: tokenHint(agentToken) } });
  return { id, agentToken, hint: tokenHint(agentToken) };
}
