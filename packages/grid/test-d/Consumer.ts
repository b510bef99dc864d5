/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `nodenext` resolution, declaration emit and library checking by
 * `npm run test:declarations` (after `npm run build`; `turbo run test:declarations`
 * builds first). It fails when the published declarations lose a value behind a
 * namespace export (a Schema next to its type), lose a type, degrade one to `any`, or
 * declare one that a consumer's declaration emit cannot name (TS2742/TS2883).
 */
import { LookupIndex, LookupService, Partition, Roster, StaffingPolicy, Units } from "@gridwork/grid"
import { Schema } from "effect"

// Values that share their name with a type (bundled declarations used to drop them).
export const person: Roster.PersonId = Roster.PersonId.make("p-17")
export const contact: Roster.ContactKind = Schema.decodeUnknownSync(Roster.ContactKind)("worker")
export const decodePolicy: (input: unknown) => StaffingPolicy.StaffingPolicy = Schema.decodeUnknownSync(
  StaffingPolicy.StaffingPolicy
)
export const severity: Units.Severity = Schema.decodeUnknownSync(Units.Severity)("warning")

// Types by name.
export const policy: StaffingPolicy.StaffingPolicy = StaffingPolicy.defaultPolicy
export const gridOfPoint = (index: LookupIndex.LookupIndex): string | undefined =>
  LookupIndex.locateId(index, 119.65, 29.08)
export const totalOf = (units: Units.UnitSet): number => Units.totalWeight(units)

// A branded type stays branded (this line is an error unless the type degraded to `any`).
// @ts-expect-error a plain string is not a PersonId
export const notAPerson: Roster.PersonId = "p-17"

// Inferred types the declaration emit has to name.
export const parseRoster = Roster.parse
export const partition = Partition.partition
export const decodeOptions = Partition.decodePartitionOptions
export const lookupTag = LookupService.LookupService
export const issueCodes = Units.IssueCode
