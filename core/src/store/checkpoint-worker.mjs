// Runs in a worker thread (store/checkpointer.ts): SQLite's automatic checkpoint, moved off the event loop.
// Copying WAL pages into the database file and its fsyncs happen here, on the worker's own connection.
// Plain JavaScript: workers do not inherit the TypeScript loader.
//
// When: as SQLite's own (sqlite3_wal_autocheckpoint), once the WAL holds `thresholdFrames` frames, read every
// `intervalMs` from the WAL-index header in the -shm file (https://www.sqlite.org/walformat.html, "The
// WAL-Index Header": mxFrame, a u32 in the host's byte order at byte 16; nBackfill, frames already copied,
// at byte 96; a -shm that cannot be opened ends the worker, and the connections checkpoint themselves again).
// Checkpointing sooner is not harmless: after a checkpoint that copies everything, the next
// write starts the WAL over, and a Litestream that was not running then (a restart: the core starts before
// its agent) finds its position gone and starts a new generation. Reading those 100 bytes costs a few µs.
//
// How: a PASSIVE checkpoint (what the automatic one runs: it copies what no reader still needs and never
// waits for a lock), then at once a RESTART one, which takes the write lock only to copy what was committed
// meanwhile (with no busy wait: a writer holding it makes it a passive one), so the next write starts the
// WAL over. PASSIVE rounds alone never let it: a commit landed during nearly every round, and the WAL grew
// without bound under load. A reader that still needs old frames (a Litestream holds one) makes RESTART
// return busy; the next round tries again.
//
// A round that copied frames posts { log, checkpointed } (frames in the WAL, frames of it copied); any error
// but SQLITE_BUSY is thrown, which ends the worker: the parent then hands checkpoints back to the connections.
// { stop: true } from the parent ends the loop and closes.
import { parentPort, workerData } from "node:worker_threads";
import { openSync, readSync } from "node:fs";
import { endianness } from "node:os";
import Database from "better-sqlite3";

const { file, intervalMs, thresholdFrames } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma("busy_timeout = 0");
db.pragma("synchronous = NORMAL");
db.pragma("wal_autocheckpoint = 0");

function checkpoint(mode) {
  try {
    return db.pragma(`wal_checkpoint(${mode})`)[0];
  } catch (err) {
    // Another connection holds the checkpoint lock (a CLI, a worker process): the next round tries again.
    if (String(err.code).startsWith("SQLITE_BUSY")) return null;
    throw err;
  }
}

const header = Buffer.alloc(100);
const u32 = endianness() === "LE" ? (at) => header.readUInt32LE(at) : (at) => header.readUInt32BE(at);
// Opened once and never closed while the process lives: POSIX record locks belong to the process, and closing
// any descriptor of a file drops every lock the process holds on it, SQLite's own on the -shm included (a
// tester: another process opening borela.db then rebuilt the -shm under the core, which died of SIGBUS;
// https://www.sqlite.org/howtocorrupt.html, "Posix advisory locks canceled by a separate thread doing close()").
const shm = openSync(`${file}-shm`, "r");

/** Frames in the WAL not yet copied, once it holds thresholdFrames or more; 0 otherwise (a -shm read short: this round). */
function framesDue() {
  if (readSync(shm, header, 0, 100, 0) < 100) return 0;
  const mxFrame = u32(16);
  const nBackfill = u32(96);
  return mxFrame >= thresholdFrames && nBackfill < mxFrame ? mxFrame - nBackfill : 0;
}

let timer = null;
let posted = -1;
function round() {
  let result = framesDue() === 0 ? null : checkpoint("PASSIVE");
  if (result && result.log >= thresholdFrames) result = checkpoint("RESTART") ?? result;
  // Only news: while a reader holds old frames (a Litestream), rounds repeat the same figures.
  if (result && result.checkpointed > 0 && result.checkpointed !== posted) parentPort.postMessage({ log: result.log, checkpointed: result.checkpointed });
  posted = result?.checkpointed ?? posted;
  timer = setTimeout(round, intervalMs);
}

parentPort.on("message", (msg) => {
  if (!msg.stop) return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
round();
