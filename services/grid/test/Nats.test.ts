import { describe, it } from "@effect/vitest"
import { Bus } from "@gridwork/core"
import { SyntheticUnits } from "@gridwork/grid"
import { type NatsServerHandle, natsServerBinary, startNatsServer } from "@gridwork/test-servers"
import { Duration, Effect, Exit, Stream } from "effect"
import { afterAll, assert, beforeAll } from "vitest"
import * as Transport from "../src/messaging/Transport"
import * as Fixture from "./support/GridFixture"

/** Publication over a real nats-server with JetStream: subjects, CloudEvents types, ids. */
describe("grid service on NATS JetStream", () => {
  let nats: NatsServerHandle
  beforeAll(async () => {
    // Fails (never skips) without the server: `.ci/run` installs it.
    if (natsServerBinary() === undefined)
      throw new Error("nats-server is not installed: run `apt-get install -y nats-server`")
    nats = await startNatsServer()
  })
  afterAll(async () => {
    await nats?.stop()
  })

  it("relays GridVersionPublished and GridRetired to gw.providence.grid.*, each once", async () => {
    const fixture = await Fixture.make(undefined, { poolSize: 1, transport: Transport.layerNats(nats.url) })
    try {
      const planner = await fixture.token(["grid-planner"])
      const query = "?idProperty=id&weightProperty=households&communityProperty=community"
      const run = async (weight: number, previousVersion?: number) => {
        const units = SyntheticUnits.lattice({
          columns: 20,
          rows: 10,
          weight: (column) => (column < 10 ? 10 : weight),
          community: (column) => (column < 10 ? "3" : "5")
        })
        const uploaded = await Fixture.post(fixture, `/v1/unit-sets${query}`, planner, units)
        const unitSetId = ((await uploaded.json()) as { readonly unitSetId: string }).unitSetId
        const job = await Fixture.post(fixture, "/v1/partition-jobs", planner, {
          unitSetId,
          min: 150,
          max: 250,
          ...(previousVersion === undefined ? {} : { previousVersion })
        })
        const jobId = ((await job.json()) as { readonly jobId: string }).jobId
        await (await Fixture.get(fixture, `/v1/partition-jobs/${jobId}/events`, planner)).text()
        const published = await Fixture.post(fixture, "/v1/grid-versions", planner, { jobId })
        assert.strictEqual(published.status, 201, await published.clone().text())
        return (await published.json()) as { readonly retired: ReadonlyArray<{ readonly gridId: string }> }
      }
      await run(10)
      const second = await run(4, 1)
      assert.isAbove(second.retired.length, 0)

      const exit = await fixture.app.run(
        Effect.scoped(
          Effect.gen(function* () {
            const bus = yield* Bus.Bus
            const deliveries = yield* bus.subscribe({ durable: "grid-test", subject: "gw.providence.grid.>" })
            return yield* deliveries.pipe(
              Stream.tap((delivery) => delivery.ack),
              Stream.map((delivery) => delivery.message),
              Stream.interruptWhen(Effect.sleep(Duration.seconds(2))),
              Stream.runCollect
            )
          })
        )
      )
      if (Exit.isFailure(exit)) throw new Error(String(exit.cause))
      const messages = exit.value
      const versions = messages.filter((m) => m.subject === "gw.providence.grid.grid-version-published")
      assert.deepStrictEqual(
        versions.map((m) => (m.event.data as { readonly version: number }).version),
        [1, 2]
      )
      assert.sameMembers(
        messages
          .filter((m) => m.subject === "gw.providence.grid.grid-retired")
          .map((m) => (m.event.data as { readonly gridId: string }).gridId),
        second.retired.map((r) => r.gridId)
      )
      assert.isTrue(messages.every((m) => m.event.streamId === "grid-registry:providence"))
      assert.strictEqual(new Set(messages.map((m) => m.event.eventId)).size, messages.length)
    } finally {
      await fixture.app.dispose()
    }
  }, 60_000)
})
