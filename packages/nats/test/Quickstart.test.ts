import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as Quickstart from "../example/quickstart"
import { TestNats } from "./support/TestNats"

layer(TestNats.layer, { timeout: 60_000, excludeTestServices: true })("README quickstart", (it) => {
  it.effect("relays three events and projects each once", () =>
    Effect.gen(function* () {
      const server = yield* TestNats
      const titles = yield* Quickstart.program.pipe(Effect.provide(Quickstart.layer(server.url)))
      assert.deepStrictEqual(titles, ["Noise at night", "Broken street light", "Blocked drain"])
    })
  )
})
