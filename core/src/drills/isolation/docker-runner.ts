// BORELA_DRILL_ISOLATION=docker: the isolated part in a container of the
// Borela image (dockerode), started for one drill and removed after it.
//
//   runInContainer(job, options): Promise<IsolatedResult>
//     options: { scratch, limits, onStep, image? (default borela/borela:latest), docker? }
//     Rejects with IsolationError when the container ends without a result, and
//     with InfrastructureError when the engine cannot be reached or the image is missing.
//
// The container: uid 1000, every capability dropped, no new privileges, a
// read-only root filesystem, the drill's temp dir at /work, a file replica
// read-only at /replica and no network at all (NetworkMode "none"); an S3
// replica needs the network, so it gets the host's (the only other mode the
// engine has without bridges) and its read credentials on stdin. CPU, memory
// and process-count limits from IsolationLimits. The job goes in on stdin, so
// credentials never appear in `docker inspect`.
import Docker from "dockerode";
import { chmod, chown } from "node:fs/promises";
import { PassThrough } from "node:stream";
import { InfrastructureError } from "../errors.ts";
import type { Emit, IsolatedJob, IsolatedResult } from "./job.ts";
import { readChildOutput } from "./child-output.ts";
import { IsolationError } from "./process-runner.ts";
import type { IsolationLimits } from "./sandbox.ts";

export const DRILL_IMAGE = "borela/borela:latest";
const CONTAINER_UID = 1000;
const WORK = "/work";
const REPLICA = "/replica";

export interface ContainerOptions {
  scratch: string;
  limits: IsolationLimits;
  onStep: Emit;
  image?: string;
  docker?: Docker;
}

/** The container's settings (pure): what the isolation promises is all here. */
export function containerSpec(job: IsolatedJob, options: { scratch: string; limits: IsolationLimits; image: string }): Docker.ContainerCreateOptions {
  const file = job.replica.type === "file";
  return {
    Image: options.image,
    Entrypoint: ["node", `--max-old-space-size=${options.limits.heapMb}`, "/app/core/src/drills/isolation/entry.mjs"],
    Cmd: [],
    User: `${CONTAINER_UID}:${CONTAINER_UID}`,
    WorkingDir: WORK,
    Env: [`TMPDIR=${WORK}`, `HOME=${WORK}`],
    AttachStdin: true,
    OpenStdin: true,
    StdinOnce: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Labels: { "borela.drill": "isolated" },
    HostConfig: {
      NetworkMode: file ? "none" : "host",
      Binds: [`${options.scratch}:${WORK}`, ...(file ? [`${job.replica.path}:${REPLICA}:ro`] : [])],
      Memory: options.limits.memoryBytes,
      MemorySwap: options.limits.memoryBytes,
      NanoCpus: Math.round(options.limits.cpus * 1e9),
      PidsLimit: 256,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      ReadonlyRootfs: true,
      Tmpfs: { "/tmp": "rw,nosuid,nodev,size=64m" },
    },
  };
}

export async function runInContainer(job: IsolatedJob, options: ContainerOptions): Promise<IsolatedResult> {
  const docker = options.docker ?? new Docker();
  const image = options.image ?? DRILL_IMAGE;
  if (process.getuid?.() === 0) await chown(options.scratch, CONTAINER_UID, CONTAINER_UID);
  else await chmod(options.scratch, 0o777);
  const sent: IsolatedJob = {
    ...job,
    litestreamBin: job.litestreamLine === "0.5" ? "/usr/local/bin/litestream-0.5" : "/usr/local/bin/litestream",
    replica: job.replica.type === "file" ? { ...job.replica, path: REPLICA } : job.replica,
  };
  let container: Docker.Container;
  try {
    container = await docker.createContainer(containerSpec(job, { scratch: options.scratch, limits: options.limits, image }));
  } catch (err) {
    throw new InfrastructureError(`cannot create the drill container from ${image}: ${(err as Error).message}`);
  }
  try {
    const stream = (await container.attach({ stream: true, hijack: true, stdin: true, stdout: true, stderr: true })) as NodeJS.ReadWriteStream;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on("end", () => (stdout.end(), stderr.end()));
    stream.on("error", () => (stdout.end(), stderr.end()));
    const output = readChildOutput(stdout, stderr, options.onStep);
    await container.start();
    // Stdin stays open: if the core dies, the attach connection and stdin close and the container ends itself.
    stream.write(`${JSON.stringify(sent)}\n`);
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      void container.kill().catch(() => undefined);
    }, options.limits.wallClockMs);
    const exit = (await container.wait()) as { StatusCode: number };
    clearTimeout(timer);
    const state = (await container.inspect()).State;
    // The attach stream ends shortly after the container; do not wait forever for it.
    await Promise.race([output.done, new Promise((r) => setTimeout(r, 5000))]);
    if (killed) throw new IsolationError(`the drill container did not finish within ${Math.round(options.limits.wallClockMs / 1000)}s and was killed`);
    if (output.protocolError) throw new IsolationError(`the drill container sent a malformed result: ${output.protocolError}`);
    if (output.result) return output.result;
    const why = state.OOMKilled ? `was killed for using more than ${Math.round(options.limits.memoryBytes / 1024 ** 2)} MiB` : `exited with code ${exit.StatusCode}`;
    throw new IsolationError(`the drill container ${why} without a result${output.tail() ? `: ${output.tail().split("\n").slice(-5).join(" | ")}` : ""}`);
  } finally {
    await container.remove({ force: true }).catch(() => undefined);
  }
}
