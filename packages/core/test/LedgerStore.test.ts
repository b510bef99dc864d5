import { LedgerStore } from "../src"
import { ledgerStoreContract } from "../src/testing"

ledgerStoreContract("in-memory LedgerStore", () => LedgerStore.layerInMemory)
