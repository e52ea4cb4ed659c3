// An agent's post to the core replaced in process: every heartbeat is kept
// and answered 201, with no core to reach.
import type { AgentDeps } from "../../src/agent/agent.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";

/** The `post` dependency that appends each heartbeat to `payloads` and answers 201 with no body. */
export function keepHeartbeats(payloads: HeartbeatPayload[]): NonNullable<AgentDeps["post"]> {
  return async (p) => {
    payloads.push(p);
    return { kind: "ok", status: 201, value: null };
  };
}
