// Entry point of the isolated part of a drill (child.ts), for `node` in a
// sandboxed child process or a container. tsx is resolved from this file's
// place, not from the working directory (the drill's own temp dir).
import { register } from "tsx/esm/api";

register();
await import("./child.ts");
