// Opsgenie's Alert API is a cloud API that cannot run here: the receiver is a
// loopback stand-in for a cloud API, checking the requests as
// https://docs.opsgenie.com/docs/alert-api documents them: POST /v2/alerts to
// create, POST /v2/alerts/{alias}/close?identifierType=alias to close, each with
// "Authorization: GenieKey <key>". An incident opened and closed through the
// real dispatcher creates then closes one alert under the same alias.
import { describe, expect, it } from "vitest";
import { opsgenie, opsgenieRequests } from "../../../src/alerts/channels/opsgenie.ts";
import { deliveriesOf } from "../fixtures.ts";
import { useRoundTrip } from "./round-trip.ts";
import { HOSTILE_REASON, hostile } from "./contexts.ts";

const KEY = "eb243592-faa2-4ba2-a551-1afdf565c889";
const { roundTrip } = useRoundTrip();

describe("opsgenie", () => {
  it("an incident that opens and resolves through the dispatcher creates then closes one Opsgenie alert (alias = incident id)", async () => {
    const { db, receiver, seeded, incident, openedAt: T0 } = await roundTrip("genie", "opsgenie", opsgenie.checkTarget, KEY);

    const id = incident!.id;
    expect(receiver.received.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/v2/alerts"],
      ["POST", `/v2/alerts/${id}/close?identifierType=alias`],
    ]);
    for (const r of receiver.received) {
      expect(r.headers.authorization).toBe(`GenieKey ${KEY}`);
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const [create, close] = receiver.received.map((r) => JSON.parse(r.body));
    expect(create).toEqual({
      message: expect.stringMatching(/^\[Borela\] ERROR: genie \/ primary — /),
      alias: id,
      description: expect.stringContaining("What happened: Litestream: access denied to s3://bucket/genie"),
      priority: "P1",
      source: "Borela",
      entity: "genie / primary",
      tags: ["borela", "error"],
      details: { project: "genie", database: "primary", kind: "error", dashboard: `https://borela.example.com/projects/${seeded.projectId}` },
    });
    expect(create.message.length).toBeLessThanOrEqual(130);
    expect(close).toEqual({ source: "Borela", user: "Borela", note: expect.stringMatching(/^\[Borela\] RESOLVED: genie \/ primary — /) });
    const log = await deliveriesOf(db.store, id);
    expect(log.map((d) => [d.event, d.status])).toEqual([
      ["opened", "sent"],
      ["resolved", "sent"],
    ]);
  });

  it("carries reported text as plain JSON strings, unchanged", () => {
    const [r] = opsgenieRequests(hostile());
    expect(r.body.description).toContain(HOSTILE_REASON);
    expect(r.body.entity).toBe("shop / <i>db</i>@here");
  });

  it("takes an API key, with the EU host when given", () => {
    expect(opsgenie.checkTarget(KEY, false)).toBe(KEY);
    expect(opsgenie.checkTarget(`https://api.eu.opsgenie.com/${KEY}`, false)).toBe(`https://api.eu.opsgenie.com/${KEY}`);
    expect(() => opsgenie.checkTarget("genie", false)).toThrow(/^target: the API key \(part 1 of 1\) does not look like one/);
  });
});
