// Runs in a worker thread (store/checkpointer.ts): keeps the core's SQLite WAL short on its own connection,
// so the copy of WAL pages into the database file and its fsyncs never run on the event loop. Plain
// JavaScript: workers do not inherit the TypeScript loader.
//
// Every `intervalMs`, a PASSIVE checkpoint (what SQLite's automatic checkpoint runs: it copies what no
// reader still needs and never waits for a lock) copies the frames committed since the last round. That
// alone never lets the WAL start over under a steady load: SQLite rewinds the WAL only when a write begins
// with every frame copied, and a commit lands during nearly every round. So once the WAL holds
// `restartFrames` or more, a RESTART checkpoint follows at once: it takes the write lock only to copy the
// few frames committed since the PASSIVE one (with no busy wait: a writer holding it makes it a PASSIVE
// one), after which the next write rewinds the WAL. A reader that still needs old frames (a Litestream
// replicating the file holds one) makes it return busy; a later round tries again.
//
// A round that copied frames posts { log, checkpointed } (frames in the WAL, frames of it copied); any error
// but SQLITE_BUSY is thrown, which ends the worker: the parent then hands checkpoints back to the connections.
// { stop: true } from the parent ends the loop and closes.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, intervalMs, restartFrames } = workerData;
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

let timer = null;
let posted = -1;
function round() {
  let result = checkpoint("PASSIVE");
  if (result && result.log >= restartFrames) result = checkpoint("RESTART") ?? result;
  // Only news: a round with nothing new to copy is the idle case, ten times a second.
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
