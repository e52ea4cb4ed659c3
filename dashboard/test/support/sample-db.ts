// A small app database in WAL mode with known row counts.
import Database from "better-sqlite3";

export const SAMPLE_COUNTS = { customers: 37, orders: 120 };

export function createSampleDatabase(file: string): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL)");
  db.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), total_cents INTEGER NOT NULL)");
  const customer = db.prepare("INSERT INTO customers (email) VALUES (?)");
  const order = db.prepare("INSERT INTO orders (customer_id, total_cents) VALUES (?, ?)");
  db.transaction(() => {
    for (let i = 1; i <= SAMPLE_COUNTS.customers; i++) customer.run(`customer${i}@example.com`);
    for (let i = 1; i <= SAMPLE_COUNTS.orders; i++) order.run((i % SAMPLE_COUNTS.customers) + 1, i * 100);
  })();
  db.close();
}

/** The app writing orders; one open connection, as an app keeps (closing the last one would checkpoint the WAL). */
export function openWriter(file: string): { addOrder(): void; close(): void } {
  const db = new Database(file);
  const insert = db.prepare("INSERT INTO orders (customer_id, total_cents) VALUES (1, 1)");
  return { addOrder: () => void insert.run(), close: () => db.close() };
}
