import { mergeConfig } from "vitest/config"
import { sharedConfig } from "../../vitest.shared.ts"

/**
 * Every run starts one private nats-server and one PostgreSQL server
 * (`test/support/globalSetup.ts`) shared by the test files; each test uses fresh
 * localities (so fresh streams) and fresh databases. Tests that stop and restart a
 * server start their own.
 */
export default mergeConfig(sharedConfig, {
  test: {
    globalSetup: ["test/support/globalSetup.ts"]
  }
})
