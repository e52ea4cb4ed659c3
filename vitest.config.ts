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
    globalSetup: ["core/test/support/global-setup.ts"],
  },
});
