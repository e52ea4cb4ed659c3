// Every snippet relies on the agent's default Litestream line, 0.5 (issue 16): none names a version or a
// binary (LITESTREAM_BIN would override both lines), and the agent loaded from the env-file snippet's
// settings runs 0.5. A user's own build pins a line by adding BORELA_LITESTREAM_VERSION (README).
import { describe, expect, it } from "vitest";
import { loadAgentSettings } from "../../src/agent/settings.ts";
import { renderSnippet, SNIPPET_KINDS } from "../../src/snippets/render.ts";

const input = {
  projectName: "shop",
  serverUrl: "https://borela.example.com/",
  databases: ["/rails/storage/production.sqlite3"],
  serviceName: "web",
  volume: "shop_storage:/rails/storage",
  replicaUrl: "s3://bucket/shop",
};

describe("snippets and the Litestream line", () => {
  it.each(SNIPPET_KINDS)("%s names no Litestream version or binary", (kind) => {
    const text = renderSnippet(kind, input);
    expect(text).not.toMatch(/BORELA_LITESTREAM_VERSION|LITESTREAM_BIN|litestream-version/);
  });

  it("the agent configured by the env-file snippet runs Litestream 0.5; adding BORELA_LITESTREAM_VERSION=0.3 pins 0.3", async () => {
    const env = Object.fromEntries(
      renderSnippet("env-file", input)
        .split("\n")
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect((await loadAgentSettings({}, env)).litestreamVersion).toBe("0.5");
    expect((await loadAgentSettings({}, { ...env, BORELA_LITESTREAM_VERSION: "0.3" })).litestreamVersion).toBe("0.3");
  });
});
