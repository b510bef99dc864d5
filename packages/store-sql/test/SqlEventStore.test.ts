import { eventStoreContract } from "@gridwork/core/testing"
import { Layer } from "effect"
import * as SqlEventStore from "../src/SqlEventStore"
import { freshStore, kinds } from "./support/Databases"

for (const kind of kinds) {
  eventStoreContract(`SqlEventStore on ${kind} PostgreSQL`, () =>
    SqlEventStore.layer().pipe(Layer.provide(freshStore(kind, "events")))
  )
}
