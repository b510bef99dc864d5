/**
 * `@gridwork/core/testing`: test helpers shared by every Gridwork package. Needs
 * `vitest` and `@effect/vitest` (optional peer dependencies).
 *
 * - {@link DeciderSpec}: given/when/then specifications for deciders.
 * - {@link eventStoreContract}: the tests every `EventStore` implementation passes.
 * - {@link busContract}: the tests every `Bus` implementation passes.
 * @packageDocumentation
 */

export { type BusContractOptions, busContract } from "./BusContract"
export {
  type DeadlineSchedulerContractOptions,
  type DeadlineSchedulerWorld,
  deadlineSchedulerContract
} from "./DeadlineSchedulerContract"
export * as DeciderSpec from "./DeciderSpec"
export { type EventStoreContractOptions, eventStoreContract } from "./EventStoreContract"
export { type InboxContractOptions, inboxContract } from "./InboxContract"
export { type LedgerStoreContractOptions, ledgerStoreContract, sampleLedgerEntry } from "./LedgerStoreContract"
export { contractSubjects, type OutboxContractOptions, outboxContract } from "./OutboxContract"
