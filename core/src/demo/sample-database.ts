// The demo's sample application database: a small shop with users, orders
// and events, in WAL mode, written to every few seconds like a live app.
import Sqlite from "better-sqlite3";

const FIRST_NAMES = ["Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Frances", "Edsger", "Radia"];
const PRODUCTS = ["notebook", "pen", "backpack", "lamp", "mug", "keyboard", "chair", "desk"];

export function createSampleDatabase(file: string): void {
  const db = new Sqlite(file);
  db.pragma("journal_mode = WAL");
  db.exec(`
    CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), product TEXT NOT NULL, cents INTEGER NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
  `);
  const count = (db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  if (count === 0) {
    const insert = db.prepare("INSERT INTO users (name, email, created_at) VALUES (?, ?, ?)");
    db.transaction(() => {
      FIRST_NAMES.forEach((name, i) => insert.run(name, `${name.toLowerCase()}${i}@example.com`, new Date().toISOString()));
    })();
  }
  db.close();
}

/** Writes one order and one event; returns the new order id. */
function writeSampleActivity(db: Sqlite.Database, random = Math.random): number {
  const users = (db.prepare("SELECT count(*) AS n FROM users").get() as { n: number }).n;
  const now = new Date().toISOString();
  const userId = 1 + Math.floor(random() * users);
  const product = PRODUCTS[Math.floor(random() * PRODUCTS.length)];
  const cents = 500 + Math.floor(random() * 9500);
  return db.transaction(() => {
    const order = db.prepare("INSERT INTO orders (user_id, product, cents, created_at) VALUES (?, ?, ?, ?)").run(userId, product, cents, now);
    db.prepare("INSERT INTO events (kind, payload, created_at) VALUES ('order.created', ?, ?)").run(
      JSON.stringify({ orderId: Number(order.lastInsertRowid), product, cents }),
      now,
    );
    return Number(order.lastInsertRowid);
  })();
}

/** Writes activity every `intervalMs` until stopped. */
export function startSampleWriter(file: string, intervalMs: number) {
  const db = new Sqlite(file);
  db.pragma("busy_timeout = 5000");
  const timer = setInterval(() => {
    try {
      writeSampleActivity(db);
    } catch {
      // the demo app keeps going, as a real app would; a locked file is retried next tick
    }
  }, intervalMs);
  timer.unref();
  return {
    stop(): void {
      clearInterval(timer);
      db.close();
    },
  };
}
