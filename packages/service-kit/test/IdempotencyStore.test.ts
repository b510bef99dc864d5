import { IdempotencyStore } from "../src/index"
import { idempotencyStoreContract } from "../src/testing/index"

idempotencyStoreContract("IdempotencyStore.layerMemory", () => IdempotencyStore.IdempotencyStore.layerMemory)
