// Which addresses alert webhooks may reach, decided without I/O; and the send-time check through real DNS
// (the machine's resolver answers "localhost" with a loopback address, so no outside network is needed).
import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { addressProblem, embeddedIPv4, hostProblem } from "../../src/alerts/target-address.ts";
import { postWebhook } from "../../src/alerts/channels/webhook.ts";
import { PermanentDeliveryError } from "../../src/alerts/errors.ts";

describe("addressProblem", () => {
  it.each(["169.254.169.254", "169.254.0.1", "fe80::1", "FE80::abcd", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe"])("refuses link-local %s always", (ip) => {
    expect(addressProblem(ip, true)).toMatch(/link-local/);
    expect(addressProblem(ip, false)).toMatch(/link-local/);
  });

  it.each(["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "0.0.0.0", "::1", "::", "fd00:ec2::254", "::ffff:127.0.0.1", "64:ff9b::7f00:1"])(
    "refuses private %s unless BORELA_ALERT_ALLOW_PRIVATE_TARGETS",
    (ip) => {
      expect(addressProblem(ip, false)).toMatch(/BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true/);
      expect(addressProblem(ip, true)).toBeNull();
    },
  );

  it.each([
    ["::ffff:0:169.254.169.254", "169.254.169.254"], // SIIT
    ["::ffff:0:a9fe:a9fe", "169.254.169.254"],
    ["2002:a9fe:a9fe::", "169.254.169.254"], // 6to4
    ["2002:a9fe:a9fe:1::1", "169.254.169.254"],
    ["64:ff9b:1::a9fe:a9fe", "169.254.169.254"], // local-use NAT64
    ["2001:0:4136:e378:8000:63bf:5601:5601", "169.254.169.254"], // Teredo: client a9fe:a9fe XOR ffff:ffff
    ["fe80::5efe:169.254.169.254", "169.254.169.254"], // ISATAP (link-local itself too)
    ["2001:db8::200:5efe:169.254.169.254", "169.254.169.254"],
  ])("refuses %s, which embeds link-local %s, always", (ip, inner) => {
    expect(embeddedIPv4(ip)).toContain(inner);
    expect(addressProblem(ip, true)).toMatch(/link-local/);
    expect(addressProblem(ip, false)).toMatch(/link-local/);
  });

  it.each(["::ffff:0:127.0.0.1", "::ffff:0:7f00:1", "2002:7f00:1::", "2002:a00:1::1", "64:ff9b:1::c0a8:101", "::127.0.0.1"])(
    "refuses %s, which embeds a loopback or private IPv4, unless BORELA_ALERT_ALLOW_PRIVATE_TARGETS",
    (ip) => {
      expect(addressProblem(ip, false)).toMatch(/embedding .*BORELA_ALERT_ALLOW_PRIVATE_TARGETS=true/);
      expect(addressProblem(ip, true)).toBeNull();
    },
  );

  it.each(["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1", "2002:5db8:d822::1", "::ffff:0:1.1.1.1"])("allows public %s", (ip) => {
    expect(addressProblem(ip, false)).toBeNull();
  });

  it("hostProblem checks literals and localhost names, leaves other names to send time", () => {
    expect(hostProblem("[fe80::1]", true)).toMatch(/link-local/);
    expect(hostProblem("localhost", false)).toMatch(/localhost is a loopback/);
    expect(hostProblem("hooks.slack.com", false)).toBeNull();
  });
});

describe("postWebhook at send time", () => {
  it("resolves the name, refuses a private answer for good, and reaches it when allowed", async () => {
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      res.end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    try {
      // "localhost" passes the save-time literal check only when allowed; a name resolving to 127.0.0.1 is what DNS rebinding looks like.
      const err = await postWebhook(`http://localhost.:${port}/hook`, { a: 1 }, null, 3000, false).catch((e: Error) => e);
      expect(err).toBeInstanceOf(PermanentDeliveryError);
      expect((err as Error).message).toMatch(/refused: .*loopback or private/);
      expect(hits).toBe(0);
      await expect(postWebhook(`http://127.0.0.1:${port}/hook`, { a: 1 }, null, 3000, false)).rejects.toThrow(/refused/);
      expect(await postWebhook(`http://127.0.0.1:${port}/hook`, { a: 1 }, null, 3000, true)).toBe(`HTTP 200 from 127.0.0.1:${port}`);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

describe("checkedLookup", () => {
  it("refuses a name whose DNS answer is loopback, through the machine's resolver", async () => {
    const { checkedLookup, TargetAddressError } = await import("../../src/alerts/target-address.ts");
    const refused = await new Promise<Error | null>((resolve) => checkedLookup(false)("localhost", {}, (err) => resolve(err)));
    expect(refused).toBeInstanceOf(TargetAddressError);
    const allowed = await new Promise<string>((resolve, reject) => checkedLookup(true)("localhost", { family: 4 }, (err, address) => (err ? reject(err) : resolve(address as string))));
    expect(allowed).toBe("127.0.0.1");
  });
});
