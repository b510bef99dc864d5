import { assert, describe, layer } from "@effect/vitest"
import { Inbox } from "@gridwork/core"
import { inboxContract } from "@gridwork/core/testing"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqlInbox from "../src/SqlInbox"
import { freshStore, kinds } from "./support/Databases"

for (const kind of kinds) {
  inboxContract(`SqlInbox on ${kind} PostgreSQL`, () => SqlInbox.layer.pipe(Layer.provide(freshStore(kind, "inbox"))))

  describe(`SqlInbox on ${kind} PostgreSQL`, () => {
    layer(SqlInbox.layer.pipe(Layer.provideMerge(freshStore(kind, "inbox_tx"))), {
      excludeTestServices: true,
      timeout: 60_000
    })((it) => {
      const counted = (sql: SqlClient) =>
        Effect.map(
          sql<{ readonly total: number }>`select coalesce(sum(amount), 0)::int as total from read_model`,
          (rows) => rows[0]!.total
        )

      it.effect("the effect's SQL writes and the record commit or roll back together", () =>
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const inbox = yield* Inbox.Inbox
          yield* sql`create table if not exists read_model (message_id text primary key, amount int not null)`
          const write = (messageId: string, amount: number) =>
            sql`insert into read_model (message_id, amount) values (${messageId}, ${amount})`

          assert.isTrue(Option.isSome(yield* inbox.processOnce("folder", "m-1", write("m-1", 5))))
          assert.isTrue(Option.isNone(yield* inbox.processOnce("folder", "m-1", write("m-1", 5))))
          assert.strictEqual(yield* counted(sql), 5)

          const failed = yield* Effect.flip(
            inbox.processOnce("folder", "m-2", Effect.andThen(write("m-2", 7), Effect.fail("validation failed")))
          )
          assert.strictEqual(failed, "validation failed")
          assert.strictEqual(yield* counted(sql), 5, "the write of the failed effect is rolled back")
          assert.isFalse(yield* inbox.isProcessed("folder", "m-2"), "and so is the record")

          const sqlFailure = yield* Effect.flip(
            inbox.processOnce("folder", "m-3", Effect.andThen(write("m-3", 1), write("m-1", 1)))
          )
          assert.strictEqual(sqlFailure._tag, "SqlError", "an SQL error of the effect is the effect's error")
          assert.isFalse(yield* inbox.isProcessed("folder", "m-3"))
          assert.strictEqual(yield* counted(sql), 5)

          assert.isTrue(Option.isSome(yield* inbox.processOnce("folder", "m-2", write("m-2", 7))))
          assert.strictEqual(yield* counted(sql), 12)
        })
      )
    })
  })
}
