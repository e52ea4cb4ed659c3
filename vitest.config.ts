import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "core/test/**/*.test.ts",
      "integrations/*/test/**/*.test.ts",
      "sidecar-image/test/**/*.test.ts",
      "dashboard/test/**/*.test.ts",
      "e2e/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most suites wait on real processes (Litestream, agents, drills), not on the CPU.
    maxWorkers: 3,
    globalSetup: ["core/test/support/global-setup.ts"],
  },
});
