// Fault: the core trusted an agent's clock. Every reported time later than the core's receive time
// becomes the receive time; a heartbeat from an honest agent comes back unchanged.
import { describe, expect, it } from "vitest";
import { capReportedTimes, capTime } from "../../src/reported-times.ts";
import type { HeartbeatPayload } from "../../src/protocol.ts";

const receivedAt = new Date("2026-06-01T12:00:00.000Z");
const past = (s: number) => new Date(receivedAt.getTime() - s * 1000).toISOString();
const future = (s: number) => new Date(receivedAt.getTime() + s * 1000).toISOString();

function hb(times: { sent: string; pending: string | null; snapshot: string; wal: string; changed: string; counts: string; marker: string }): HeartbeatPayload {
  return {
    agentVersion: "test",
    sentAt: times.sent,
    databases: [
      {
        name: "app",
        path: "/data/app.sqlite3",
        exists: true,
        changedAt: times.changed,
        tableCounts: { users: 1 },
        tableCountsAt: times.counts,
        marker: { value: "m1", at: times.marker },
        replicas: [
          { type: "file", url: "file:///backups/app", pendingSince: times.pending, lastSnapshotAt: times.snapshot, lastWalAt: times.wal },
          { type: "file", url: "file:///backups/other" },
        ],
        errors: [],
      },
    ],
    errors: [],
  };
}

describe("capTime", () => {
  it("keeps a past or present time exactly as sent, and null/undefined as they are", () => {
    expect(capTime("2026-06-01T11:59:59+00:00", receivedAt)).toBe("2026-06-01T11:59:59+00:00");
    expect(capTime(receivedAt.toISOString(), receivedAt)).toBe(receivedAt.toISOString());
    expect(capTime(null, receivedAt)).toBeNull();
    expect(capTime(undefined, receivedAt)).toBeUndefined();
  });

  it("turns a future time into the receive time, whatever its offset", () => {
    expect(capTime(future(0.001), receivedAt)).toBe(receivedAt.toISOString());
    expect(capTime("2027-06-01T12:00:00Z", receivedAt)).toBe(receivedAt.toISOString());
    // 13:00 at +02:00 is 11:00 UTC: in the past, kept.
    expect(capTime("2026-06-01T13:00:00+02:00", receivedAt)).toBe("2026-06-01T13:00:00+02:00");
    // 12:30 at -01:00 is 13:30 UTC: in the future.
    expect(capTime("2026-06-01T12:30:00-01:00", receivedAt)).toBe(receivedAt.toISOString());
  });
});

describe("capReportedTimes", () => {
  it("leaves an honest heartbeat equal to what was sent", () => {
    const honest = hb({ sent: past(1), pending: past(20), snapshot: past(600), wal: past(2), changed: past(3), counts: past(30), marker: past(5) });
    const copy = structuredClone(honest);
    expect(capReportedTimes(honest, receivedAt)).toEqual(copy);
    expect(honest).toEqual(copy); // not mutated
  });

  it("gives an honest heartbeat back as is, without copying it (the usual case, on every heartbeat)", () => {
    const honest = hb({ sent: past(1), pending: null, snapshot: past(600), wal: receivedAt.toISOString(), changed: past(3), counts: past(30), marker: past(5) });
    expect(capReportedTimes(honest, receivedAt)).toBe(honest);
    // One time ahead, however deep, still gets a corrected copy.
    const late = structuredClone(honest);
    late.databases[0].replicas[1].lastWalAt = future(1);
    expect(capReportedTimes(late, receivedAt)).not.toBe(late);
    expect(capReportedTimes(late, receivedAt).databases[0].replicas[1].lastWalAt).toBe(receivedAt.toISOString());
  });

  it("caps every reported time ahead of the receive time (pendingSince a year ahead, backups in 2027)", () => {
    const r = receivedAt.toISOString();
    const lying = hb({ sent: past(1), pending: future(365 * 86400), snapshot: "2027-01-01T00:00:00Z", wal: future(5), changed: future(1), counts: future(9), marker: future(7) });
    const capped = capReportedTimes(lying, receivedAt);
    const d = capped.databases[0];
    expect(capped.sentAt).toBe(past(1));
    expect([d.changedAt, d.tableCountsAt, d.marker?.at]).toEqual([r, r, r]);
    expect(d.marker?.value).toBe("m1");
    expect([d.replicas[0].pendingSince, d.replicas[0].lastSnapshotAt, d.replicas[0].lastWalAt]).toEqual([r, r, r]);
    // Fields the agent left out stay out.
    expect(d.replicas[1]).toEqual({ type: "file", url: "file:///backups/other" });
  });

  it("caps only the times that are ahead", () => {
    const mixed = hb({ sent: past(1), pending: null, snapshot: past(600), wal: future(30), changed: past(3), counts: past(30), marker: past(5) });
    const d = capReportedTimes(mixed, receivedAt).databases[0];
    expect(d.replicas[0]).toMatchObject({ pendingSince: null, lastSnapshotAt: past(600), lastWalAt: receivedAt.toISOString() });
  });

  it("moves every time of a clock running ahead back by its skew (sentAt ahead of the receive time)", () => {
    // The agent's clock is 10 minutes ahead: it saw the change 2 minutes ago, sent 1 s ago.
    const skew = 600;
    const ahead = hb({ sent: future(skew - 1), pending: future(skew - 120), snapshot: future(skew - 3600), wal: future(skew - 130), changed: future(skew - 120), counts: future(skew - 30), marker: future(skew - 5) });
    const d = capReportedTimes(ahead, receivedAt).databases[0];
    // The skew is measured from sentAt, so the times come back late by at most the delivery delay (1 s here).
    expect(d.replicas[0]).toMatchObject({ pendingSince: past(119), lastSnapshotAt: past(3599), lastWalAt: past(129) });
    expect(d.changedAt).toBe(past(119));
    expect(capReportedTimes(ahead, receivedAt).sentAt).toBe(receivedAt.toISOString());
  });
});
