/**
 * The responsibility ledger over HTTP, for supervisors and outside witnesses
 * (`responsibility.view-ledger`): its head, its latest signed checkpoint with the
 * public key to check it, and a full verification of the hash chain and the
 * checkpoint.
 *
 * @example
 * ```sh
 * curl -H "authorization: Bearer $TOKEN" http://127.0.0.1:4100/v1/ledger/verify
 * # {"valid":true,"ledgerId":"lanxi.accountability","size":42,"hash":"…","checkpoint":{"size":40,…,"signature":"valid"}}
 * ```
 * @module
 */
import { Route } from "@gridwork/service-kit"
import { CheckpointView, HeadView, LedgerAudit, VerifyReport } from "./LedgerAudit"
import * as ProblemMappings from "./ProblemMappings"

/** `GET /v1/ledger/head`. */
export const head = Route.get("/v1/ledger/head", {
  operationId: "ledgerHead",
  summary: "The ledger's size and the hash of its last entry",
  tags: ["ledger"],
  permission: "responsibility.view-ledger",
  success: HeadView,
  errors: ProblemMappings.ledgerErrors,
  handler: () => LedgerAudit.use((audit) => audit.head)
})

/** `GET /v1/ledger/checkpoints/latest`. */
export const latestCheckpoint = Route.get("/v1/ledger/checkpoints/latest", {
  operationId: "latestCheckpoint",
  summary: "The latest signed checkpoint (size, hash, Merkle root, Ed25519 signature) and the public key",
  tags: ["ledger"],
  permission: "responsibility.view-ledger",
  success: CheckpointView,
  errors: ProblemMappings.ledgerErrors,
  handler: () => LedgerAudit.use((audit) => audit.latestCheckpoint)
})

/** `GET /v1/ledger/verify`. */
export const verify = Route.get("/v1/ledger/verify", {
  operationId: "verifyLedger",
  summary: "Verify the hash chain up to the head and the latest checkpoint",
  tags: ["ledger"],
  permission: "responsibility.view-ledger",
  timeoutMs: 120_000,
  success: VerifyReport,
  errors: ProblemMappings.ledgerErrors,
  handler: () => LedgerAudit.use((audit) => audit.verify)
})

/** Every ledger route. */
export const routes = [head, latestCheckpoint, verify] as const
