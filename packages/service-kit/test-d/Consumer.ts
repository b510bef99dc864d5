/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `nodenext` resolution, declaration emit and library checking by
 * `npm run test:declarations` (after `npm run build`; `turbo run test:declarations`
 * builds first). It fails when the published declarations lose a value behind a
 * namespace export (a Schema next to its type), lose a type, degrade one to `any`, or
 * declare one that a consumer's declaration emit cannot name (TS2742/TS2883), for both
 * entry points.
 */
import { Health, IdempotencyKey, IdempotencyStore, JwtVerifier, Problem, ServiceApp } from "@gridwork/service-kit"
import { idempotencyStoreContract, IdempotencyStore as StorePort } from "@gridwork/service-kit/testing"
import { Effect, Layer, Schema } from "effect"

// Values that share their name with a type (bundled declarations used to drop them).
export const decodeKey: (input: unknown) => IdempotencyKey.IdempotencyKey = Schema.decodeUnknownSync(
  IdempotencyKey.IdempotencyKey
)
export const decodeProblem: (input: unknown) => Problem.Problem = Schema.decodeUnknownSync(Problem.Problem)
export const location: Problem.FieldLocation = Schema.decodeUnknownSync(Problem.FieldLocation)("query")
export const algorithm: JwtVerifier.AsymmetricAlgorithm = Schema.decodeUnknownSync(JwtVerifier.AsymmetricAlgorithm)(
  "EdDSA"
)
export const decodeReadiness: (input: unknown) => Health.ReadinessReport = Schema.decodeUnknownSync(
  Health.ReadinessReport
)

// Types by name.
export const notFound = (problem: Problem.Problem): Response => Problem.toResponse(problem)
export const healthy = (results: ReadonlyArray<Health.CheckResult>): boolean => Health.allUp(results)
export const verifier = (options: JwtVerifier.Options): JwtVerifier.JwtVerifier => JwtVerifier.make(options)

// A literal union stays one (this line is an error unless the type degraded to `any`).
// @ts-expect-error "cookie" is not a FieldLocation
export const notALocation: Problem.FieldLocation = "cookie"

// Inferred types the declaration emit has to name, from both entry points.
export const memoryStore = Layer.effect(IdempotencyStore.IdempotencyStore, IdempotencyStore.makeMemory)
export const sameTag: typeof IdempotencyStore.IdempotencyStore = StorePort
export const contract = idempotencyStoreContract
export const checks = Health.runChecks
export const makeApp = ServiceApp.make
export const fingerprint = Effect.sync(() => IdempotencyKey.fingerprint("POST", "/petitions", "{}"))
