// "Is the backup fresh?" for a project without an agent (agentless watching): its
// silence is Litestream's ping stopping and its stale or error is the core's own
// listing, so the headline says that, not "the agent stopped reporting" or a lag.
import { expect, it } from "vitest";
import { freshAnswer } from "../src/lib/answers.ts";
import type { ProjectDetail } from "../src/lib/types.ts";

const project = (status: string, agent: boolean) =>
  ({ id: "p", name: "shop", status, staleAfterSeconds: 300, databases: [], signals: { agent, ping: true, storageListing: true } }) as unknown as ProjectDetail;

it("names Litestream's ping and the storage listing without an agent; an agent's project keeps its words", () => {
  expect(freshAnswer(project("silent", false))).toMatchObject({ mark: "no", headline: "No one knows: Litestream stopped pinging" });
  expect(freshAnswer(project("stale", false))).toMatchObject({ mark: "no", headline: "No: the storage listing finds no backup" });
  expect(freshAnswer(project("error", false))).toMatchObject({ mark: "no", headline: "No: the core cannot list the replica" });
  // Not "the replica has caught up with the database": without an agent nothing compares them.
  expect(freshAnswer(project("fresh", false))).toMatchObject({ mark: "yes", headline: "Yes, by Litestream's ping: every database synced (no agent compares the replica with the database)" });
  expect(freshAnswer(project("silent", true)).headline).toBe("No one knows: the agent stopped reporting");
});
