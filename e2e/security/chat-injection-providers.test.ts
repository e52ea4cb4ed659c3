// What a hostile agent reports reaches Teams, Telegram, Pushover, Matrix, Mattermost, ntfy and Gotify as
// text: a real core delivers one real alert to each, over HTTP to a loopback receiver standing in for
// the provider's API, and the bodies received carry no mention, link, markup or template from it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heartbeat, startTestCore, type TestCore } from "../../core/test/support/core-server.ts";
import { startWebhookReceiver, type ReceivedHook, type WebhookReceiver } from "../../core/test/support/webhook-receiver.ts";
import { waitFor } from "../../core/test/support/wait-for.ts";

const DASHBOARD = "https://borela.example.com";
const HOSTILE = [
  "<!channel> @channel @here @everyone @all @room",
  '<a href="https://evil.example/a">x</a> <b>bold</b> <i>it</i> &lt;b&gt; &amp;',
  "[click](https://evil.example/m) www.evil.example/w **md** _it_ ~town :smile: #### head",
  // Teams evaluates {{DATE(…)}} / {{TIME(…)}} in card text; three braces must not leave two together.
  "{{DATE(2026-01-01T00:00:00Z, SHORT)}} {{{TIME(2026-01-01T00:00:00Z)}}} {{{{x}}",
].join(" ");
const TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const KEY_A = "a".repeat(30);
const KEY_U = "u".repeat(30);

let core: TestCore;
let receiver: WebhookReceiver;
let origin: string;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
  origin = new URL(receiver.url).origin;
  core = await startTestCore({ BORELA_ALERT_CONFIRM_SECONDS: "0,stale=0,silent=0", BORELA_PUBLIC_URL: DASHBOARD, BORELA_ALERT_ALLOW_PRIVATE_TARGETS: "true" });
});
afterAll(async () => {
  await core?.close();
  await receiver?.close();
});

/** Each HTML tag of a body as [name, attributes]; every `<` must open a tag (reported ones are entities). */
function tags(html: string): [string, string][] {
  return [...html.matchAll(/<(\/?[a-z0-9]+)([^<>]*)>/g)].map((m) => [m[1].replace("/", ""), m[2].trim()]);
}

/** An HTML body made only of `allowed` tags, whose one link is the dashboard's, and no raw `&` or stray `<`. */
function expectEscapedHtml(html: string, allowed: string[]) {
  expect(html).toContain("&lt;b&gt;bold&lt;/b&gt;");
  expect(html).toContain("&amp;lt;b&amp;gt;");
  expect(html.replace(/<\/?[a-z0-9]+[^<>]*>/g, "")).not.toMatch(/[<>]/);
  expect(html).not.toMatch(/&(?!(amp|lt|gt|quot|#39);)/);
  const found = tags(html);
  expect([...new Set(found.map(([t]) => t))].filter((t) => !allowed.includes(t))).toEqual([]);
  for (const [t, attrs] of found) {
    if (t === "a" && attrs) expect(attrs).toMatch(/^href="https:\/\/borela\.example\.com[^"]*"$/);
    else expect(attrs, `<${t} ${attrs}>`).toBe("");
  }
}

/** Every element of an Adaptive Card, depth first. */
function elements(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(elements);
  if (!node || typeof node !== "object") return [];
  const o = node as Record<string, unknown>;
  return [...(typeof o.type === "string" ? [o] : []), ...Object.values(o).flatMap(elements)];
}

/** Mattermost text outside code spans, without Borela's own markup (heading, bold keys, the dashboard link). */
function mattermostProse(text: string): string {
  return text
    .split("\n")
    .filter((line) => !line.startsWith("[Open the dashboard](https://borela.example.com") && line !== "To restore the latest backup:")
    .map((line) => line.replace(/^#### /, "").replace(/^\*\*[^*]+:\*\* /, ""))
    .map((line) => line.split("`").filter((_, i) => i % 2 === 0).join(""))
    .join("\n");
}

describe("provider alerts from a hostile heartbeat", () => {
  it("Teams, Telegram, Pushover, Matrix, Mattermost, ntfy and Gotify bodies", async () => {
    const p = await core.createProject("sec-chat-providers");
    const channels: [string, string, string?][] = [
      ["teams", `${origin}/teams/workflows/abc`],
      ["telegram", `${origin}/tg/${TOKEN}/-1001234567890`],
      ["pushover", `${origin}/po/${KEY_A}/${KEY_U}`],
      ["matrix", `${origin}/mx/!room:example.org`, "syt_matrix_token"],
      ["mattermost", `${origin}/mm/hooks/xyz`],
      ["ntfy", `${origin}/ntfy/borela-alerts`],
      ["gotify", `${origin}/gotify/`, "gotify_app_token"],
    ];
    for (const [type, target, secret] of channels) {
      const res = await core.api("POST", "/api/v1/alert-channels", { body: { projectId: p.id, type, target, ...(secret ? { secret } : {}) } });
      expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(201);
    }
    const hb = heartbeat({ errors: [HOSTILE] }) as any;
    hb.databases[0].replicas[0].url = "s3://bucket/app/`*@everyone*`{{{DATE(2026-01-01T00:00:00Z)}}}<b>x</b>";
    expect((await core.api("POST", "/api/v1/heartbeats", { token: p.agentToken, body: hb })).status).toBe(201);
    await waitFor(
      async () => {
        await core.app.sweeper.idle();
        await core.alerts.tick();
        return receiver.received.length >= channels.length;
      },
      { timeoutMs: 30_000, what: "one alert per provider" },
    );
    const at = (prefix: string): ReceivedHook => {
      const hits = receiver.received.filter((r) => r.path.startsWith(prefix));
      expect(hits, prefix).toHaveLength(1);
      return hits[0];
    };

    // Teams: only RichTextBlocks of TextRuns (no Markdown), and no {{ left for a template function.
    const teams = JSON.parse(at("/teams/").body);
    const card = teams.attachments[0].content;
    expect(new Set(elements(card.body).map((e) => e.type))).toEqual(new Set(["RichTextBlock", "TextRun"]));
    const runs = elements(card.body).filter((e) => e.type === "TextRun").map((e) => e.text as string).join("\n");
    expect(runs).toContain("**md**");
    expect(runs).toContain("DATE(2026-01-01T00:00:00Z, SHORT)");
    expect(JSON.stringify(card)).not.toContain("{{");
    expect(card.actions).toEqual([{ type: "Action.OpenUrl", title: "Open the dashboard", url: expect.stringMatching(/^https:\/\/borela\.example\.com\//) }]);

    // Telegram: parse_mode HTML, reported text as entities.
    const tg = at(`/tg/bot${TOKEN}/sendMessage`);
    const telegram = JSON.parse(tg.body);
    expect(telegram.parse_mode).toBe("HTML");
    expect(telegram.link_preview_options).toEqual({ is_disabled: true });
    expectEscapedHtml(telegram.text, ["b", "code", "a"]);
    // Telegram makes "@name" a mention of that user (a ping) anywhere outside code.
    expect(telegram.text.replace(/<code>[^<]*<\/code>/g, "")).not.toMatch(/@\w/);

    // Pushover: html=1 message escaped; title is plain text there.
    const po = at("/po/1/messages.json");
    const form = new URLSearchParams(po.body);
    expect(form.get("html")).toBe("1");
    expect([form.get("token"), form.get("user")]).toEqual([KEY_A, KEY_U]);
    expectEscapedHtml(form.get("message")!, ["b"]);
    expect(form.get("url")).toMatch(/^https:\/\/borela\.example\.com\//);

    // Matrix: formatted_body escaped; m.mentions empty, so no @room or user ping.
    const mx = at("/mx/_matrix/client/v3/rooms/");
    expect(mx.method).toBe("PUT");
    expect(mx.path).toContain(`/rooms/${encodeURIComponent("!room:example.org")}/send/m.room.message/`);
    const matrix = JSON.parse(mx.body);
    expect(matrix["m.mentions"]).toEqual({});
    expect(matrix.format).toBe("org.matrix.custom.html");
    expectEscapedHtml(matrix.formatted_body, ["h4", "p", "ul", "li", "b", "pre", "code", "a"]);

    // Mattermost: no live @mention; every Markdown character of reported prose escaped; one link, Borela's.
    const mattermost = JSON.parse(at("/mm/hooks/xyz").body).text as string;
    expect(mattermost.match(/\]\(/g)).toHaveLength(1);
    const prose = mattermostProse(mattermost);
    expect(prose).toContain("\\<\\!channel\\>");
    expect(prose).not.toMatch(/@\w/);
    expect(prose).toContain("\\[click\\]\\(https\\://evil\\.example/m\\) www\\.evil\\.example/w");
    // "." too: Mattermost makes www.host a link, as ":" after a scheme.
    for (const m of prose.matchAll(/[*_[\]()<>~|:`!.]/g)) {
      expect(prose[m.index! - 1], `unescaped ${m[0]} in …${prose.slice(Math.max(0, m.index! - 30), m.index! + 10)}`).toBe("\\");
    }

    // ntfy and Gotify: plain text, as written.
    const ntfy = JSON.parse(at("/ntfy/").body);
    expect(ntfy.markdown).toBeUndefined();
    expect(ntfy.message).toContain("<b>bold</b>");
    const gotify = JSON.parse(at("/gotify/message").body);
    expect(gotify.extras["client::display"]).toEqual({ contentType: "text/plain" });
    expect(gotify.message).toContain("<b>bold</b>");
  });
});
