import { describe, it } from "@effect/vitest"
import { SyntheticUnits } from "@gridwork/grid"
import { Deferred, Effect, Fiber, Layer } from "effect"
import { assert } from "vitest"
import { ComputePool } from "../src/compute/ComputePool"
import type { Progress } from "../src/compute/ComputeTask"

const encoder = new TextEncoder()
const options = { idProperty: "id", weightProperty: "households", communityProperty: "community" }
const lattice = (columns: number, rows: number) =>
  encoder.encode(
    JSON.stringify(SyntheticUnits.lattice({ columns, rows, community: (c) => (c < columns / 2 ? "A" : "B") }))
  )

const pool = ComputePool.layer({ size: 1 })

describe("ComputePool (worker threads)", () => {
  it.live(
    "runs tasks in a worker thread, streams progress, reports bad input, survives an interrupted task",
    () =>
      Effect.gen(function* () {
        const compute = yield* ComputePool
        const seen: Array<Progress> = []
        const report = yield* compute.run({ _tag: "Validate", document: lattice(20, 10), options }, (p) =>
          Effect.sync(() => {
            seen.push(p)
          })
        )
        assert.strictEqual(report.counts.units, 200)
        assert.isAbove(seen.length, 0)
        assert.isTrue(seen.every((p) => p.percent >= 0 && p.percent <= 100))

        const bad = yield* Effect.flip(compute.run({ _tag: "Validate", document: encoder.encode("not json"), options }))
        assert.strictEqual(bad.code, "invalid-input")
        assert.include(bad.message, "the unit set is not JSON")

        // A long partition, interrupted at its first progress report: the thread is
        // terminated and the next task runs on a fresh one.
        const started = yield* Deferred.make<void>()
        const long = yield* Effect.forkChild(
          compute.run(
            {
              _tag: "Partition",
              units: lattice(110, 110),
              options,
              bounds: { min: 150, max: 250 },
              reserved: { highWater: {}, hasHistory: false },
              generatedAt: "2026-11-01T00:00:00.000Z"
            },
            () => Deferred.succeed(started, undefined).pipe(Effect.asVoid)
          )
        )
        yield* Deferred.await(started)
        assert.strictEqual(yield* compute.threads, 1)
        yield* Fiber.interrupt(long)
        assert.strictEqual(yield* compute.threads, 0)
        const after = yield* compute.run({ _tag: "Validate", document: lattice(4, 4), options })
        assert.strictEqual(after.counts.units, 16)
        assert.strictEqual(yield* compute.threads, 1)
      }).pipe(Effect.provide(Layer.fresh(pool))),
    60_000
  )

  it.effect("runs the same tasks inline", () =>
    Effect.gen(function* () {
      const compute = yield* ComputePool
      const seen: Array<Progress> = []
      const output = yield* compute.run(
        {
          _tag: "Partition",
          units: lattice(20, 10),
          options,
          bounds: { min: 150, max: 250 },
          reserved: { highWater: {}, hasHistory: false },
          generatedAt: "2026-11-01T00:00:00.000Z"
        },
        (p) => Effect.sync(() => void seen.push(p))
      )
      assert.strictEqual(output.summary.grids, 10)
      assert.strictEqual(seen.at(-1)?.percent, 100)
    }).pipe(Effect.provide(ComputePool.layerInline))
  )
})
