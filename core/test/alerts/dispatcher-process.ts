// Another core process for the "never twice" test: it opens the same data
// dir, says "ready", then for every "go <iso time>" line on stdin ticks its
// own dispatcher a few times at that instant and prints what it sent as JSON.
// It exits when stdin closes.
//   node --import tsx dispatcher-process.ts <dataDir> <smtpUrl> <alertEmail> <ticks>
import { createInterface } from "node:readline";
import { openStore } from "../../src/store/db.ts";
import { alertConfig, clock, dispatcher } from "./fixtures.ts";

const [dataDir, smtpUrl, alertEmail, ticks] = process.argv.slice(2);
const store = await openStore(dataDir);
const c = clock(new Date());
const alerts = dispatcher(store, alertConfig({ BORELA_SMTP_URL: smtpUrl, BORELA_ALERT_EMAIL: alertEmail }), c);
process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  const [command, iso] = line.split(" ");
  if (command !== "go") continue;
  c.set(new Date(iso));
  const sent: string[] = [];
  for (let i = 0; i < Math.min(Number(ticks), 20); i++) {
    for (const d of await alerts.tick()) if (d.ok) sent.push(d.event);
    await new Promise((r) => setTimeout(r, 5));
  }
  process.stdout.write(`${JSON.stringify({ sent })}\n`);
}
await store.$disconnect();
