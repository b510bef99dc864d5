import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.ts"

/**
 * Every run starts one private PostgreSQL server and prepares one migrated embedded
 * (PGlite) database directory (`test/support/globalSetup.ts`); each test file then gets
 * a fresh database on the server and a fresh copy of that directory.
 */
export default mergeConfig(sharedConfig, {
  test: {
    globalSetup: ["test/support/globalSetup.ts"]
  }
})
