import { assert, describe, it } from "@effect/vitest"
import { Ledger, LedgerStore } from "@gridwork/core"
import { ledgerStoreContract, sampleLedgerEntry } from "@gridwork/core/testing"
import { Effect, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqlLedgerStore from "../src/SqlLedgerStore"
import { kinds, sharedDatabase } from "./support/Databases"

let names = 0

for (const kind of kinds) {
  const database = sharedDatabase(kind, "ledger")

  // Each test gets a ledger of its own name on the file's database.
  ledgerStoreContract(`SqlLedgerStore on ${kind} PostgreSQL`, () =>
    SqlLedgerStore.layer({ name: `contract-${++names}` }).pipe(Layer.provide(database.connect()))
  )

  describe(`SqlLedgerStore on ${kind} PostgreSQL`, () => {
    it.live(
      "a record changed in the database is found: by the read when it no longer decodes, by verify otherwise",
      () =>
        Effect.gen(function* () {
          const name = `tamper-${++names}`
          const store = yield* SqlLedgerStore.make({ name })
          const sql = yield* SqlClient
          yield* store.append([0, 1, 2].map(sampleLedgerEntry))
          const head = yield* store.head
          yield* sql`update gw_ledger set entry = jsonb_set(entry, '{at}', '1') where ledger = ${name} and seq = 2`
          const tampered = yield* Effect.flip(Ledger.verify(yield* store.read(1, 10), head))
          assert.include(tampered, { _tag: "LedgerTampered", seq: 2, rule: "content" })
          yield* sql`update gw_ledger set entry = entry || '{"extra": true}' where ledger = ${name} and seq = 3`
          const unreadable = yield* Effect.flip(store.read(1, 10))
          assert.include(unreadable, { _tag: "LedgerStoreFailure", operation: "read" })
          assert.deepStrictEqual(yield* store.readHashes(1, 1), [(yield* store.read(1, 1))[0]!.hash])
        }).pipe(Effect.provide(database.connect()))
    )

    it.live("ledgers of different names are separate chains", () =>
      Effect.gen(function* () {
        const first = yield* SqlLedgerStore.make({ name: `first-${++names}` })
        const second = yield* SqlLedgerStore.make({ name: `second-${names}` })
        yield* first.append([sampleLedgerEntry(0)])
        assert.deepStrictEqual(yield* second.head, Ledger.emptyHead)
        assert.strictEqual((yield* first.head).size, 1)
        const badName = yield* Effect.flip(SqlLedgerStore.make({ name: "" }))
        assert.include(badName, { _tag: "LedgerInputInvalid", field: "name" })
        const reopened = yield* SqlLedgerStore.make({ name: `first-${names}` })
        assert.deepStrictEqual(yield* reopened.head, yield* first.head, "the head is durable")
        assert.strictEqual(LedgerStore.MAX_READ, 10_000)
      }).pipe(Effect.provide(database.connect()))
    )
  })
}
