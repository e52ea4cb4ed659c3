// The lease store's behaviour, run on SQLite (lease.test.ts) and PostgreSQL (postgres-lease.test.ts):
// two clients on one store stand for two core processes.
import { expect } from "vitest";
import { LeaseStore } from "../../src/store/lease.ts";
import { mayClaim, type LeaseRow } from "../../src/store/lease-terms.ts";

const LENGTH = 45_000;
const t = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, 0) + s * 1000);

/** Claims as `holder` at `now` and checks the SQL agreed with lease-terms.ts mayClaim on the row it found. */
async function claimChecked(store: LeaseStore, name: string, holder: string, now: Date) {
  const before = (await store.list()).find((r) => r.name === name) ?? null;
  const outcome = await store.claim(name, holder, now, LENGTH);
  expect(outcome !== "held", `${holder} at ${now.toISOString()} on ${JSON.stringify(before)}`).toBe(mayClaim(before, holder, now));
  return outcome;
}

async function row(store: LeaseStore, name: string): Promise<LeaseRow> {
  const found = (await store.list()).find((r) => r.name === name);
  if (!found) throw new Error(`no lease ${name}`);
  return found;
}

/** Two contenders at once get the lease once; renewals keep it; expiry hands it over; release lets it go at once. */
export async function leaseContract(a: LeaseStore, b: LeaseStore): Promise<void> {
  // Twenty claims at the same instant from both clients: one takes it, every other is refused.
  const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim("sweep", `core-${i}`, t(0), LENGTH)));
  expect(claims.filter((c) => c === "took")).toHaveLength(1);
  expect(claims.filter((c) => c === "held")).toHaveLength(19);
  const first = await row(a, "sweep");
  const winner = first.holder;
  expect(first.until.getTime()).toBe(t(45).getTime());
  expect(first.acquiredAt.getTime()).toBe(t(0).getTime());

  // Renewals every 15 s keep it for the winner, long past the first lease's end; the others are refused.
  for (let s = 15; s <= 120; s += 15) {
    expect(await claimChecked(a, "sweep", winner, t(s))).toBe("kept");
    expect(await claimChecked(b, "sweep", "core-late", t(s + 1))).toBe("held");
  }
  const renewed = await row(b, "sweep");
  expect(renewed).toMatchObject({ holder: winner, runs: 0, lastRunAt: null });
  expect(renewed.until.getTime()).toBe(t(165).getTime());
  expect(renewed.acquiredAt.getTime()).toBe(t(0).getTime());

  // Completed runs are recorded with the holder's next claim, whoever reads them; a peer's refused claim records nothing.
  expect(await a.claim("sweep", winner, t(120), LENGTH, { runs: 2, lastAt: t(119) })).toBe("kept");
  expect(await b.claim("sweep", "core-late", t(120), LENGTH, { runs: 5, lastAt: t(120) })).toBe("held");
  expect(await a.claim("sweep", winner, t(120), LENGTH)).toBe("kept"); // nothing new: the last run stays
  expect(await row(b, "sweep")).toMatchObject({ runs: 2, lastRunBy: winner });
  expect((await row(b, "sweep")).lastRunAt!.getTime()).toBe(t(119).getTime());

  // The winner stops renewing (kill -9): at `until` the lease is still its own, one ms later a peer takes it.
  expect(await claimChecked(b, "sweep", "core-late", t(165))).toBe("held");
  expect(await claimChecked(b, "sweep", "core-late", new Date(t(165).getTime() + 1))).toBe("took");
  const taken = await row(a, "sweep");
  expect(taken.holder).toBe("core-late");
  expect(taken.acquiredAt.getTime()).toBe(t(165).getTime() + 1);
  expect(taken.runs).toBe(2); // the count is the job's, across holders
  expect(taken.lastRunBy).toBe(winner);
  // The old holder comes back (a long pause): refused, it does not run.
  expect(await claimChecked(a, "sweep", winner, t(170))).toBe("held");

  // A graceful stop lets it go, recording its last runs: the next claim by anyone takes it at once.
  await b.release("sweep", "core-late", t(171), { runs: 1, lastAt: t(170) });
  await a.release("sweep", winner, t(171), { runs: 9, lastAt: t(171) }); // not the holder: changes nothing
  expect(await row(a, "sweep")).toMatchObject({ holder: "core-late", runs: 3, lastRunBy: "core-late" });
  expect((await row(a, "sweep")).lastRunAt!.getTime()).toBe(t(170).getTime());
  expect(await claimChecked(a, "sweep", winner, t(172))).toBe("took");

  // Leases are per job: another name is independent.
  expect(await claimChecked(b, "drill-schedule", "core-late", t(172))).toBe("took");
  expect((await a.list()).map((r) => [r.name, r.holder])).toEqual([["drill-schedule", "core-late"], ["sweep", winner]]);

  // Each taker records its job settings (lease-settings.ts): a peer reads the latest per lease.
  await a.recordSettings("sweep", "core-x", { BORELA_SWEEP_INTERVAL_SECONDS: "15" });
  await b.recordSettings("sweep", winner, { BORELA_SWEEP_INTERVAL_SECONDS: "5" });
  await b.recordSettings("drill-schedule", "core-late", { BORELA_DIGEST_CRON: "0 8 * * 1" });
  expect(Object.fromEntries(await a.listSettings())).toEqual({
    sweep: { holder: winner, settings: { BORELA_SWEEP_INTERVAL_SECONDS: "5" } },
    "drill-schedule": { holder: "core-late", settings: { BORELA_DIGEST_CRON: "0 8 * * 1" } },
  });
}
