// The one call run-drill makes: the isolated part of a drill, where
// BORELA_DRILL_ISOLATION says.
import type Docker from "dockerode";
import type { Emit, IsolatedJob, IsolatedResult } from "./job.ts";
import { runInChildProcess } from "./process-runner.ts";
import { bundledChildEntry } from "./child-bundle.ts";
import { defaultLimits, type IsolationLimits } from "./sandbox.ts";

export { IsolationError } from "./process-runner.ts";
export type { IsolatedJob, IsolatedResult } from "./job.ts";

export interface IsolationSettings {
  mode: "process" | "docker";
  /** Overrides of the default limits (tests use small ones). */
  limits?: Partial<IsolationLimits>;
  /** Docker mode: the image (default borela/borela:latest) and the engine. */
  image?: string;
  docker?: Docker;
}

/**
 * Builds what a process-mode run starts (the bundled child, ~0.1 s once per process) while the drill
 * still reads the replica (execute.ts calls it first); a failure is runIsolated's to meet (it falls back to tsx).
 */
export function prepareIsolation(mode: IsolationSettings["mode"]): void {
  if (mode === "process") void bundledChildEntry();
}

/**
 * Restores and inspects in isolation, in `scratch` (a fresh directory under
 * the drill dir, removed by the caller). `hide`: the core's own directories,
 * which the child must not see.
 */
export function runIsolated(job: IsolatedJob, settings: IsolationSettings, where: { scratch: string; hide: string[]; onStep: Emit }): Promise<IsolatedResult> {
  const limits = defaultLimits(job, settings.limits);
  // dockerode and its gRPC and SSH modules (~0.2 s of a CLI's start) load only for a container.
  if (settings.mode === "docker") {
    return import("./docker-runner.ts").then(({ runInContainer }) => runInContainer(job, { scratch: where.scratch, limits, onStep: where.onStep, image: settings.image, docker: settings.docker }));
  }
  return runInChildProcess(job, { scratch: where.scratch, hide: where.hide, limits, onStep: where.onStep });
}
