/**
 * How the service's typed errors become `application/problem+json` answers: one entry
 * per error tag, shared by the routes that can fail with it. Details are the errors'
 * own messages, which name ids, codes, instants and rules, never personal data.
 * Store failures answer 503 without detail (the cause is logged).
 *
 * @example
 * ```ts
 * import { ProblemMappings } from "@gridwork/service-accountability"
 *
 * ProblemMappings.matterErrors.ExtensionLimitReached.status // 409
 * ```
 * @module
 */

const withDetail = (status: number, title: string) => ({
  status,
  title,
  detail: (error: { readonly message: string }) => error.message
})

/** The errors of a command on a matter (the matter decider's and the obligation decider's). */
export const matterErrors = {
  SubjectMismatch: withDetail(409, "Matter mismatch"),
  ObligationUnknown: withDetail(404, "Obligation not found"),
  ObligationNotOpened: withDetail(404, "Obligation not opened"),
  ObligationClosed: withDetail(409, "Obligation closed"),
  ObligationStateConflict: withDetail(409, "Obligation state conflict"),
  ObligationTimeReversed: withDetail(409, "Command dated before the obligation's last change"),
  ExtensionNotAllowed: withDetail(409, "Extension not allowed"),
  ExtensionLimitReached: withDetail(409, "Extension limit reached"),
  ExtensionNotApproved: withDetail(422, "Extension needs an approval"),
  ExtensionSelfApproved: withDetail(403, "The owner may not approve its own extension"),
  ExtensionTooLong: withDetail(422, "Extension too long"),
  ExtensionAfterDeadline: withDetail(409, "The deadline has passed"),
  CalendarYearNotLoaded: withDetail(503, "Calendar year not loaded"),
  MatterStoreFailure: { status: 503, title: "Store unavailable" }
} as const

/** The errors of the inbox (HTTP ingestion). */
export const inboxErrors = {
  InboxInputInvalid: withDetail(422, "Invalid event id"),
  InboxStoreFailure: { status: 503, title: "Store unavailable" }
} as const

/** The errors of reading the index. */
export const indexErrors = {
  IndexFailure: { status: 503, title: "Store unavailable" }
} as const

/** The errors of reading the ledger. */
export const ledgerErrors = {
  LedgerUnavailable: { status: 503, title: "Ledger unavailable" }
} as const
