import { defineConfig, mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.ts"

// The tests keep no global state (no mocks, no stubbed globals, no module-level caches
// in the sources), so test files share workers: effect and the package's sources load
// once per worker instead of once per file.
export default mergeConfig(sharedConfig, defineConfig({ test: { isolate: false } }))
