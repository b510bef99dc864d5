import { describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CheckpointStore, ObligationIndex } from "../src/index"
import { checkpointStoreContract, obligationIndexContract } from "./support/StoreContracts"

// The same contracts run against PostgreSQL in Integration.test.ts.
describe("ObligationIndex (in memory)", () => {
  it.effect("keeps the latest view of each obligation, finds by matter, unit and state, pages by id", () =>
    obligationIndexContract.pipe(Effect.provide(ObligationIndex.ObligationIndex.layerMemory))
  )
})

describe("CheckpointStore (in memory)", () => {
  it.effect("keeps checkpoints once per size and answers the largest", () =>
    checkpointStoreContract.pipe(Effect.provide(CheckpointStore.CheckpointStore.layerMemory))
  )
})
