import { defineConfig } from "vitest/config"

/**
 * Shared vitest settings for every workspace: workspace packages resolve to their
 * TypeScript sources (the `@gridwork/source` export condition), so tests never need a
 * prior build, and every run writes `test-results.json` for the CI summary.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ["@gridwork/source"] },
  ssr: { resolve: { conditions: ["@gridwork/source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", ["json", { outputFile: "test-results.json" }]],
    testTimeout: 30_000,
    hookTimeout: 60_000
  }
})
