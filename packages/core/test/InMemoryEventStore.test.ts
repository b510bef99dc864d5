import { InMemoryEventStore } from "../src"
import { eventStoreContract } from "../src/testing"

eventStoreContract("InMemoryEventStore", () => InMemoryEventStore.layer)
