/**
 * The write path: how many domain events per second the service turns into recorded
 * obligations (decide, append with outbox rows, ledger entries, timers, index), one
 * event per matter, on the in-memory stores and on the embedded PostgreSQL (PGlite);
 * and how fast the deadline driver works through a backlog of due deadlines (a service
 * that was down while deadlines passed).
 *
 * Targets, on one core of the reference machine:
 * - in memory: ≥ 300 events/s;
 * - embedded PostgreSQL: ≥ 20 events/s (every event is one transaction over one connection);
 * - deadlines after a restart (in memory): ≥ 200 firings/s.
 * (A county of a million people files in the order of 100,000 matters a year, a few per
 * minute at peak; the targets leave room for bursts and replays.)
 * The script sets a non-zero exit code when a target is missed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import {
  DeadlineSchedulerDriver,
  Ids,
  Instant,
  ModelParser,
  Obligation,
  PolicyOverlay,
  type SimulationEvent
} from "@gridwork/core"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { DerivedIds, Locality, Matters, ObligationIndex, Storage } from "../src/index"

const examples = (path: string) => fileURLToPath(new URL(`../../../examples/localities/${path}`, import.meta.url))
const modelFile = examples("lanxi-county.yaml")
const draftFile = examples("policies/lanxi-escalation-draft.yaml")
const model = Result.getOrThrow(
  PolicyOverlay.apply(
    Result.getOrThrow(ModelParser.parseModel(readFileSync(modelFile, "utf8"), modelFile)),
    readFileSync(draftFile, "utf8"),
    draftFile
  )
)

const start = Instant.unsafeFromIso("2026-09-28T09:30:00+08:00")
let failed = false

const received = (n: number): SimulationEvent.SimulationEvent & { readonly id: Ids.EventId } => {
  const at = Instant.fromMillis(start + n * 1000)
  const id = Ids.EventId.make(Ids.formatUuidV7(at, n & 0xfff, n, 7))
  return {
    id,
    type: "PetitionReceived",
    subject: Obligation.SubjectId.make(`bench-${n}`),
    at,
    unit: Ids.UnitCode.make("lanxi.dongshan.qiaotou.cwh")
  }
}

const ingest = (count: number) =>
  Effect.gen(function* () {
    const matters = yield* Matters.Matters
    for (let n = 0; n < count; n++) {
      const event = received(n)
      yield* matters.handle(
        { _tag: "Observe", event },
        { commandId: DerivedIds.forEvent(event.id), causedBy: event.id }
      )
    }
  })

const timed = async <A>(label: string, count: number, unit: string, target: number, run: () => Promise<A>) => {
  const began = performance.now()
  await run()
  const ms = performance.now() - began
  const rate = count / (ms / 1000)
  const ok = rate >= target
  if (!ok) failed = true
  console.log(
    `  ${label.padEnd(44)} ${String(count).padStart(6)} ${unit} in ${(ms / 1000).toFixed(2)} s = ${Math.round(rate)
      .toLocaleString("en-US")
      .padStart(7)} ${unit}/s  (target ≥ ${target}) ${ok ? "ok" : "MISSED"}`
  )
}

const service = (stores: Layer.Layer<Storage.Stores>) =>
  Matters.Matters.layer.pipe(Layer.provideMerge(Layer.mergeAll(Locality.Locality.fromModel(model), stores)))

console.log("accountability write path")

// 1. In memory.
{
  const count = 5_000
  await timed("events → obligations (in memory)", count, "events", 300, () =>
    Effect.runPromise(ingest(count).pipe(Effect.provide(service(Storage.layerMemory("lanxi")))))
  )
}

// 2. Embedded PostgreSQL.
{
  const dir = mkdtempSync(join(tmpdir(), "gridwork-accountability-bench-"))
  try {
    const count = 500
    const layer = Matters.Matters.layer.pipe(
      Layer.provideMerge(
        Layer.mergeAll(Locality.Locality.fromModel(model), Storage.layerSql({ dataDir: dir, locality: "lanxi" }))
      )
    )
    await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const context = yield* Layer.build(layer)
          yield* Effect.promise(() =>
            timed("events → obligations (embedded PostgreSQL)", count, "events", 20, () =>
              Effect.runPromise(ingest(count).pipe(Effect.provideContext(context)))
            )
          )
        })
      )
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// 3. A backlog of deadlines: the clock jumps past every warning and due time at once.
{
  const count = 1_000
  const clock = Layer.effectDiscard(TestClock.setTime(start)).pipe(Layer.provideMerge(TestClock.layer()))
  const layer = service(Storage.layerMemory("lanxi")).pipe(Layer.provideMerge(clock))
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const context = yield* Layer.build(layer)
        yield* ingest(count).pipe(Effect.provideContext(context))
        // Each matter has a 60% and an 80% warning and a due time: 3 firings, the last one escalating.
        const firings = count * 3
        const drive = DeadlineSchedulerDriver.tick((timer, token) =>
          Matters.Matters.use((matters) => matters.onDeadline(timer, token))
        )
        yield* Effect.promise(() =>
          timed("deadline firings after a restart (in memory)", firings, "firings", 200, () =>
            Effect.runPromise(
              Effect.gen(function* () {
                yield* TestClock.setTime(Instant.unsafeFromIso("2026-10-20T08:00:00+08:00"))
                // A firing re-arms its obligation's next deadline in its own transaction, so the driver
                // finds the timer superseded when it marks it: both count as handled.
                let fired = 0
                for (;;) {
                  const report = yield* drive
                  const handled = report.fired + report.superseded
                  if (handled === 0) break
                  fired += handled
                }
                const index = yield* ObligationIndex.ObligationIndex
                const escalated = yield* index.find({ status: "open", unit: "lanxi.dongshan.zzzx", limit: 1000 })
                if (fired < firings || escalated.length !== Math.min(count, 1000)) {
                  failed = true
                  console.log(
                    `  expected ${firings} firings and ${count} escalations, got ${fired} and ${escalated.length}`
                  )
                }
              }).pipe(Effect.provideContext(context))
            )
          )
        )
      })
    )
  )
}

if (failed) process.exitCode = 1
