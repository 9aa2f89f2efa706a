import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI tests run the compiled `gt`; `npm ci` builds it through `prepare`.
    testTimeout: 30_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
