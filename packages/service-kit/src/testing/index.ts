/**
 * `@gridwork/service-kit/testing`: test helpers for service-kit ports. Needs `vitest`
 * and `@effect/vitest` (optional peer dependencies).
 *
 * - {@link idempotencyStoreContract}: the tests every `IdempotencyStore` passes.
 * @packageDocumentation
 */

/** The port the contract checks (re-exported so the contract's types resolve from here). */
export { IdempotencyStore } from "../idempotency/IdempotencyStore"
export { type IdempotencyStoreContractOptions, idempotencyStoreContract } from "./IdempotencyStoreContract"
