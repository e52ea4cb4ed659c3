// Which Litestream line the test harnesses run agents on: BORELA_TEST_LITESTREAM=0.3|0.5.
// Unset, harness agents run 0.3 (the suites were written on it; tests of 0.3 specifics pin 0.3 themselves);
// the product's default (0.5) is covered by the tests that start agents without a harness, and the
// version matrix (e2e/drift/versions.test.ts) runs its scenarios on both lines whatever this says.
import type { LitestreamLine } from "../../src/litestream/binary.ts";

/** BORELA_TEST_LITESTREAM, checked: "0.3" (unset) or "0.5"; anything else throws naming the variable. */
export function testLitestreamLine(env: Record<string, string | undefined> = process.env): LitestreamLine {
  const raw = env.BORELA_TEST_LITESTREAM || "0.3";
  if (raw !== "0.3" && raw !== "0.5") throw new Error(`BORELA_TEST_LITESTREAM=${JSON.stringify(raw)} is not 0.3 or 0.5`);
  return raw;
}
