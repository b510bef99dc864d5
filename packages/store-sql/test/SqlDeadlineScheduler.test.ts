import { assert, describe, it } from "@effect/vitest"
import { DeadlineScheduler, Instant } from "@gridwork/core"
import { deadlineSchedulerContract } from "@gridwork/core/testing"
import { Context, Effect, Exit, Layer, Scope } from "effect"
import * as SqlDeadlineScheduler from "../src/SqlDeadlineScheduler"
import { kinds, sharedDatabase } from "./support/Databases"

let names = 0

for (const kind of kinds) {
  const database = sharedDatabase(kind, "scheduler")

  const open = (name: string) =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const context = yield* Layer.buildWithScope(
        SqlDeadlineScheduler.layer({ name }).pipe(Layer.provide(database.connect())),
        scope
      )
      return { scheduler: Context.get(context, DeadlineScheduler.DeadlineScheduler), scope }
    })

  // Each test gets a scheduler of its own name on the file's database. A restart drops
  // the instance and its connection pool and opens new ones over the same rows (on the
  // embedded database the old pool is closed first: it allows one connection).
  deadlineSchedulerContract(
    `SqlDeadlineScheduler on ${kind} PostgreSQL`,
    Effect.gen(function* () {
      const name = `contract-${++names}`
      const instances = [yield* open(name)]
      yield* Effect.addFinalizer(() => Effect.forEach(instances, (instance) => Scope.close(instance.scope, Exit.void)))
      const restart = Effect.gen(function* () {
        if (kind === "embedded") yield* Scope.close(instances.at(-1)!.scope, Exit.void)
        const next = yield* open(name)
        instances.push(next)
        return next.scheduler
      })
      return { scheduler: instances[0]!.scheduler, restart }
    })
  )

  describe(`SqlDeadlineScheduler on ${kind} PostgreSQL`, () => {
    it.live("schedulers of different names share the tables without seeing each other", () =>
      Effect.gen(function* () {
        const first = yield* SqlDeadlineScheduler.make({ name: `first-${++names}` })
        const second = yield* SqlDeadlineScheduler.make({ name: `second-${names}` })
        const key = DeadlineScheduler.TimerKey.make("obligation-1")
        assert.strictEqual(yield* first.arm(key, Instant.fromMillis(100), 1), "armed")
        assert.strictEqual(yield* second.arm(key, Instant.fromMillis(200), 1), "armed")
        assert.deepStrictEqual(yield* first.takeDue(Instant.fromMillis(1_000), 10), [
          { key, dueAt: Instant.fromMillis(100), version: 1 }
        ])
        assert.deepStrictEqual(yield* second.due(Instant.fromMillis(1_000), 10), [
          { key, dueAt: Instant.fromMillis(200), version: 1 }
        ])
        const badName = yield* Effect.flip(SqlDeadlineScheduler.make({ name: "has space" }))
        assert.include(badName, { _tag: "TimerInputInvalid", field: "name" })
      }).pipe(Effect.provide(database.connect()))
    )

    it.live("replicas taking due timers at the same time never take the same one", () =>
      Effect.gen(function* () {
        const name = `replicas-${++names}`
        const replicas = yield* Effect.forEach([1, 2, 3], () => SqlDeadlineScheduler.make({ name }))
        for (let index = 0; index < 60; index++) {
          yield* replicas[0]!.arm(DeadlineScheduler.TimerKey.make(`obligation-${index}`), Instant.fromMillis(index), 1)
        }
        const taken = yield* Effect.forEach(
          replicas,
          (replica) =>
            Effect.gen(function* () {
              const mine: Array<string> = []
              for (;;) {
                const batch = yield* replica.takeDue(Instant.fromMillis(1_000), 7)
                if (batch.length === 0) return mine
                mine.push(...batch.map((timer) => timer.key))
              }
            }),
          { concurrency: "unbounded" }
        )
        const all = taken.flat()
        assert.strictEqual(all.length, 60)
        assert.strictEqual(new Set(all).size, 60)
      }).pipe(Effect.provide(database.connect()))
    )
  })
}
