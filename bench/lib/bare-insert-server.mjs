// The baseline for heartbeat-ingest: parse JSON, insert one row, answer 201.
import Fastify from "fastify";
import Sqlite from "better-sqlite3";

const db = new Sqlite(process.env.BENCH_DB);
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec("CREATE TABLE IF NOT EXISTS heartbeat (id INTEGER PRIMARY KEY, token TEXT, receivedAt TEXT, payload TEXT)");
const insert = db.prepare("INSERT INTO heartbeat (token, receivedAt, payload) VALUES (?, ?, ?)");
const app = Fastify();
app.post("/api/v1/heartbeats", async (request, reply) => {
  insert.run(request.headers.authorization ?? "", new Date().toISOString(), JSON.stringify(request.body));
  return reply.code(201).send({ ok: true });
});
await app.listen({ host: "127.0.0.1", port: 0 });
console.log(`listening on http://127.0.0.1:${app.server.address().port}`);
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
