// Runs in a worker thread (store/checkpointer.ts): copies the core's SQLite WAL into the database file with
// PASSIVE checkpoints on its own connection, every `intervalMs`, so the page copy and its fsyncs never run
// on the event loop. Plain JavaScript: workers do not inherit the TypeScript loader.
//
// PASSIVE is what SQLite's own automatic checkpoint runs: it copies what no reader still needs, never waits
// for a lock and never blocks a writer, so a Litestream replicating the file sees what it would see anyway.
// A round that copied frames posts { log, checkpointed } (frames in the WAL, frames of it copied); a failed
// one { error }; { stop: true } from the parent ends the loop and closes.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const { file, intervalMs } = workerData;
const db = new Database(file, { fileMustExist: true });
db.pragma("busy_timeout = 0");
db.pragma("synchronous = NORMAL");
db.pragma("wal_autocheckpoint = 0");

let timer = null;
let posted = -1;
function round() {
  try {
    const [result] = db.pragma("wal_checkpoint(PASSIVE)");
    // Only news: a round with nothing new to copy is the idle case, ten times a second.
    if (result.checkpointed > 0 && result.checkpointed !== posted) parentPort.postMessage({ log: result.log, checkpointed: result.checkpointed });
    posted = result.checkpointed;
  } catch (err) {
    // SQLITE_BUSY: another connection holds the checkpoint lock (a CLI, a worker process); the next round retries.
    if (err.code !== "SQLITE_BUSY") parentPort.postMessage({ error: String(err.message ?? err) });
  }
  timer = setTimeout(round, intervalMs);
}

parentPort.on("message", (msg) => {
  if (!msg.stop) return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
round();
