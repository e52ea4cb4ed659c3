// What the agent says about Litestream itself in each database's report: is it
// running, and what is an error (needs someone) versus a note (worth showing).
// A supervised Litestream that died and is being restarted is a note: its cost
// shows up as pending changes (stale) when the database is written to, and
// never for an idle one. One that died with restarts off (--no-restart-litestream),
// and an observed Litestream whose metrics endpoint is gone, are errors: the
// agent knows the cause and nobody will restart it (stale is for "slow, cause
// unknown"). The same on Litestream 0.3 and 0.5.
//
//   litestreamHealth(input: HealthInput): { running: boolean; errors: string[]; notes: string[] }   pure
import type { SupervisorStatus } from "./supervisor.ts";

export type HealthInput =
  | { mode: "observe"; metricsAddr: string | null; metricsError: string | null }
  | { mode: "supervised"; status: SupervisorStatus | null; restartEnabled: boolean; metricsError: string | null };

export function litestreamHealth(input: HealthInput): { running: boolean; errors: string[]; notes: string[] } {
  if (input.mode === "observe") {
    if (!input.metricsAddr) return { running: true, errors: [], notes: ["observing Litestream without a metrics addr: freshness is read from storage only"] };
    if (input.metricsError) return { running: false, errors: [`Litestream is not running: ${input.metricsError}`], notes: [] };
    return { running: true, errors: [], notes: [] };
  }
  const s = input.status;
  if (!s) return { running: false, errors: [], notes: [] };
  const errors: string[] = [];
  const notes: string[] = [];
  if (s.startError) errors.push(s.startError);
  if (!s.running && s.lastExit) {
    const how = s.lastExit.signal ? `killed by ${s.lastExit.signal}` : `exited with code ${s.lastExit.code}`;
    const at = s.lastExit.at.toISOString();
    if (input.restartEnabled) notes.push(`Litestream is not running: ${how} at ${at}; restarting`);
    else errors.push(`Litestream is not running: ${how} at ${at}; restarts are off (--no-restart-litestream): no change is replicated until it is started again`);
  }
  if (s.consecutiveFailures >= 3) errors.push(`Litestream keeps exiting (${s.consecutiveFailures} times in a row)`);
  if (s.restarts > 0) notes.push(`Litestream restarted ${s.restarts} time(s) since the agent started`);
  if (s.running && input.metricsError) notes.push(`Litestream metrics unavailable: ${input.metricsError}`);
  return { running: s.running, errors, notes };
}
