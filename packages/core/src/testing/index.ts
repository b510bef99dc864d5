/**
 * `@gridwork/core/testing`: test helpers shared by every Gridwork package. Needs
 * `vitest` and `@effect/vitest` (optional peer dependencies).
 *
 * - {@link DeciderSpec}: given/when/then specifications for deciders.
 * - {@link eventStoreContract}: the tests every `EventStore` implementation passes.
 * - {@link busContract}: the tests every `Bus` implementation passes.
 * @packageDocumentation
 */
export * as DeciderSpec from "./DeciderSpec"
export { type EventStoreContractOptions, eventStoreContract } from "./EventStoreContract"
export {
  type DeadlineSchedulerContractOptions,
  type DeadlineSchedulerWorld,
  deadlineSchedulerContract
} from "./DeadlineSchedulerContract"
export { type LedgerStoreContractOptions, ledgerStoreContract, sampleLedgerEntry } from "./LedgerStoreContract"
export { type InboxContractOptions, inboxContract } from "./InboxContract"
export { contractSubjects, type OutboxContractOptions, outboxContract } from "./OutboxContract"
