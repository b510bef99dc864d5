/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `node16`-style resolution and declaration emit by `npm run test:declarations`.
 * It fails when the published declarations lose a value behind a namespace export
 * (a Schema next to its type), lose a type, or declare one that a consumer's
 * declaration emit cannot name (TS2742/TS2883).
 */
import {
  Bus,
  BusinessCalendar,
  type CalendarYearNotLoaded,
  CnMainland,
  DeadlineScheduler,
  Decider,
  EventStore,
  Instant,
  LedgerStore,
  Obligation,
  ObligationRule
} from "@gridwork/core"
import { busContract, DeciderSpec } from "@gridwork/core/testing"
import { Result, Schema } from "effect"

// Types by name.
export const calendar: BusinessCalendar.BusinessCalendar = BusinessCalendar.make(CnMainland.spec)
export const dueOf = (obligation: Obligation.Obligation): Instant.Instant => obligation.due
export const running: Obligation.Status = "open"
export type NotLoaded = CalendarYearNotLoaded.CalendarYearNotLoaded

// Values that share their name with a type (bundled declarations used to drop them).
export const subject: Obligation.SubjectId = Obligation.SubjectId.make("petition-7")
export const decodeRule: (input: unknown) => ObligationRule.ObligationRule = Schema.decodeUnknownSync(
  ObligationRule.ObligationRule
)
export const timer: DeadlineScheduler.TimerKey = DeadlineScheduler.TimerKey.make("obligation-1")

// A branded type stays branded (this line is an error unless the type degraded to `any`).
// @ts-expect-error a plain string is not a SubjectId
export const notASubject: Obligation.SubjectId = "petition-7"

// Inferred types the declaration emit has to name.
export const now = Instant.now
export const decider = Obligation.decider(calendar)
export const deadline = calendar.addWorkingDays(Instant.unsafeFromIso("2026-09-28T10:00:00+08:00"), 15)
export const due = Result.map(deadline, (d) => d.due)
export const spec = DeciderSpec.given(decider)
export const busTag = Bus.Bus
export const storeTag = EventStore.EventStore
export const ledgerLayer = LedgerStore.layerInMemory
export const run = Decider.run
export const contract = busContract
