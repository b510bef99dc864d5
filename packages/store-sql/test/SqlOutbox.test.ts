import { outboxContract } from "@gridwork/core/testing"
import { Layer } from "effect"
import * as SqlEventStore from "../src/SqlEventStore"
import * as SqlOutbox from "../src/SqlOutbox"
import { freshStore, kinds } from "./support/Databases"

for (const kind of kinds) {
  outboxContract(`SqlOutbox on ${kind} PostgreSQL`, (subjectOf) =>
    Layer.merge(SqlEventStore.layer({ subjectOf }), SqlOutbox.layer).pipe(Layer.provide(freshStore(kind, "outbox")))
  )
}
