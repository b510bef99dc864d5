/**
 * `@gridwork/service-kit/testing`: test helpers for service-kit ports. Needs `vitest`
 * and `@effect/vitest` (optional peer dependencies).
 *
 * - {@link idempotencyStoreContract}: the tests every `IdempotencyStore` passes.
 * @packageDocumentation
 */
export { type IdempotencyStoreContractOptions, idempotencyStoreContract } from "./IdempotencyStoreContract"
