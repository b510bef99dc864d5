/**
 * The events of the grid service, their Schemas and one codec per stream kind.
 *
 * | stream | events | published on the bus |
 * | --- | --- | --- |
 * | `unit-set:<id>` | {@link UnitSetUploaded} | no (internal) |
 * | `partition-job:<id>` | {@link PartitionJobRequested}, {@link PartitionJobCompleted}, {@link PartitionJobFailed} | no (internal) |
 * | `grid-registry:<locality>` | {@link GridVersionPublished}, {@link GridRetired} | `gw.<locality>.grid.grid-version-published`, `gw.<locality>.grid.grid-retired` |
 * | `grid-roster:<locality>` | {@link GridRosterReplaced} | `gw.<locality>.grid.grid-roster-replaced` |
 *
 * Large artefacts (the uploaded units, the grids GeoJSON, the lookup index, the
 * assignments) are not in the events: the events name them by their SHA-256
 * ({@link Sha256}) and the `ArtifactStore` keeps them, so a consumer can check that the
 * grids file it fetched is the one that was published.
 * @module
 */
import { EventCodec, Ids, Instant } from "@gridwork/core"
import { Schema } from "effect"

/** A SHA-256 digest, 64 lowercase hex digits. */
export const Sha256 = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{64}$/, { message: "a SHA-256 digest is 64 lowercase hex digits" })
)
/** @see {@link Sha256} */
export type Sha256 = typeof Sha256.Type

/** Ids the service mints (unit sets, jobs): UUIDv7. */
export const ServiceId = Schema.String.check(Schema.isUUID(7))

/**
 * A grid id: `<community>-<n>` as minted by the partitioner (the community as written
 * in the units, so it may contain spaces), 1-128 characters, no slashes or control characters.
 */
export const GridId = Schema.String.check(
  Schema.isPattern(/^[^/\\\p{Cc}]{1,128}$/u, {
    message: "a grid id is 1-128 characters without slashes, backslashes or control characters"
  })
)
/** @see {@link GridId} */
export type GridId = typeof GridId.Type

/** A grid version number, from 1. */
export const VersionNumber = Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))

/** Non-negative count. */
const Count = Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))
/** Non-negative weight. */
const Weight = Schema.Finite.check(Schema.isGreaterThanOrEqualTo(0))

/** How the units of a GeoJSON upload are read: which property holds what. */
export const ReadOptions = Schema.Struct({
  /** Property with the unit id (default: the feature's `id`). */
  idProperty: Schema.optionalKey(Schema.NonEmptyString),
  /** Property with the weight, households or persons (default: 1 per feature). */
  weightProperty: Schema.optionalKey(Schema.NonEmptyString),
  /** Property with the community a grid must not cross (default: one community `all`). */
  communityProperty: Schema.optionalKey(Schema.NonEmptyString)
})
/** @see {@link ReadOptions} */
export type ReadOptions = typeof ReadOptions.Type

/** Counts over an uploaded unit set. */
export const UnitSetCounts = Schema.Struct({
  /** Features in the upload. */
  features: Count,
  /** Units kept. */
  units: Count,
  /** Features left out (errors). */
  rejected: Count,
  /** Findings that kept their unit (warnings). */
  warnings: Count,
  communities: Count,
  totalWeight: Weight
})
/** @see {@link UnitSetCounts} */
export type UnitSetCounts = typeof UnitSetCounts.Type

/** Units were uploaded and checked; bad units are listed in the stored report. */
export class UnitSetUploaded extends Schema.TaggedClass<UnitSetUploaded>()("UnitSetUploaded", {
  unitSetId: ServiceId,
  name: Schema.optionalKey(Schema.String),
  /** SHA-256 of the stored GeoJSON. */
  documentHash: Sha256,
  /** SHA-256 of the stored validation report. */
  reportHash: Sha256,
  options: ReadOptions,
  counts: UnitSetCounts,
  uploadedAt: Instant.Instant,
  uploadedBy: Schema.String
}) {}

/** Size bounds of a partition. */
export const Bounds = Schema.Struct({
  min: Weight,
  max: Schema.Finite.check(Schema.isGreaterThan(0)),
  target: Schema.optionalKey(Schema.Finite.check(Schema.isGreaterThan(0)))
})
/** @see {@link Bounds} */
export type Bounds = typeof Bounds.Type

/** A partition was asked for. */
export class PartitionJobRequested extends Schema.TaggedClass<PartitionJobRequested>()("PartitionJobRequested", {
  jobId: ServiceId,
  unitSetId: ServiceId,
  bounds: Bounds,
  /** The version whose ids the result keeps (a re-partition); absent: from scratch. */
  previousVersion: Schema.optionalKey(VersionNumber),
  /** The current version when the job was asked for (0: none); publishing needs it still current. */
  baseVersion: Count,
  requestedAt: Instant.Instant,
  requestedBy: Schema.String
}) {}

/** How much a re-partition changed against its base version. */
export const Churn = Schema.Struct({
  /** Share of the comparable weight whose grid id changed. */
  weightShare: Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 1 })),
  movedWeight: Weight,
  comparableWeight: Weight,
  newUnitWeight: Weight,
  removedUnits: Count,
  /** Grids with the same id and the same units. */
  keptGrids: Count,
  /** Grids that kept their id but gained or lost units. */
  changedGrids: Count,
  createdGrids: Schema.Array(GridId),
  retiredGrids: Schema.Array(GridId)
})
/** @see {@link Churn} */
export type Churn = typeof Churn.Type

/** A retired grid and the new grids that hold its former units. */
export const Successors = Schema.Struct({
  gridId: GridId,
  successors: Schema.Array(GridId)
})
/** @see {@link Successors} */
export type Successors = typeof Successors.Type

/** What a partition produced, apart from its stored artefacts. */
export const PartitionSummary = Schema.Struct({
  grids: Count,
  units: Count,
  totalWeight: Weight,
  ok: Count,
  over: Count,
  under: Count,
  /** Grids out of bounds per reason (`unit-exceeds-max`, ...). */
  reasons: Schema.Record(Schema.String, Count),
  /** Every grid id of the result, in file order. */
  gridIds: Schema.Array(GridId),
  /** Largest id number minted per community, retired ids included. */
  highWater: Schema.Record(Schema.String, Count),
  /** Against the base version (absent for the first version). */
  churn: Schema.optionalKey(Churn),
  /** For each grid of the base version the result no longer has, the grids that hold its units. */
  successors: Schema.Array(Successors),
  /** True when a from-scratch partition was numbered above the ids ever used before. */
  renumbered: Schema.Boolean
})
/** @see {@link PartitionSummary} */
export type PartitionSummary = typeof PartitionSummary.Type

/** What a finished partition produced: its summary and the digests of its stored artefacts. */
export const JobResult = Schema.Struct({
  ...PartitionSummary.fields,
  /** SHA-256 of the grids GeoJSON. */
  gridsHash: Sha256,
  /** SHA-256 of the serialized lookup index. */
  indexHash: Sha256,
  /** SHA-256 of the assignments CSV (`unit_id,grid_id`). */
  assignmentsHash: Sha256
})
/** @see {@link JobResult} */
export type JobResult = typeof JobResult.Type

/** A partition finished; its artefacts are stored. */
export class PartitionJobCompleted extends Schema.TaggedClass<PartitionJobCompleted>()("PartitionJobCompleted", {
  jobId: ServiceId,
  result: JobResult,
  completedAt: Instant.Instant
}) {}

/** Why a job failed. */
export const FailureCode = Schema.Literals(["invalid-input", "cancelled", "interrupted", "internal"])
/** @see {@link FailureCode} */
export type FailureCode = typeof FailureCode.Type

/** A partition failed or was cancelled. */
export class PartitionJobFailed extends Schema.TaggedClass<PartitionJobFailed>()("PartitionJobFailed", {
  jobId: ServiceId,
  code: FailureCode,
  reason: Schema.String,
  failedAt: Instant.Instant
}) {}

/** Counts of a published version. */
export const VersionCounts = Schema.Struct({
  grids: Count,
  units: Count,
  totalWeight: Weight,
  ok: Count,
  over: Count,
  under: Count,
  created: Count,
  retired: Count
})
/** @see {@link VersionCounts} */
export type VersionCounts = typeof VersionCounts.Type

/** A new grid version is in force. */
export class GridVersionPublished extends Schema.TaggedClass<GridVersionPublished>()("GridVersionPublished", {
  version: VersionNumber,
  jobId: ServiceId,
  unitSetId: ServiceId,
  /** The version it replaces (0: none). */
  previousVersion: Count,
  bounds: Bounds,
  counts: VersionCounts,
  /** Against the version it replaces (absent for the first version). */
  churn: Schema.optionalKey(Churn),
  /** SHA-256 of the grids GeoJSON served at `GET /v1/grids?version=`. */
  gridsHash: Sha256,
  indexHash: Sha256,
  assignmentsHash: Sha256,
  gridIds: Schema.Array(GridId),
  highWater: Schema.Record(Schema.String, Count),
  publishedAt: Instant.Instant,
  publishedBy: Schema.String
}) {}

/** A grid id went out of use; it is never minted again. */
export class GridRetired extends Schema.TaggedClass<GridRetired>()("GridRetired", {
  gridId: GridId,
  /** The version that retired it. */
  version: VersionNumber,
  /** The grids of that version holding its former units. */
  successors: Schema.Array(GridId),
  retiredAt: Instant.Instant
}) {}

/** A roster row: a person (an id in the staff register, never a name) in a role. */
export const RosterMember = Schema.Struct({
  personId: Ids.Code,
  role: Ids.Code
})
/** @see {@link RosterMember} */
export type RosterMember = typeof RosterMember.Type

/** A grid's public, role-level contact line. */
export const PublicContact = Schema.Struct({
  kind: Schema.Literals(["worker", "supervision"]),
  phone: Schema.String.check(
    Schema.isPattern(/^\+?[0-9][0-9 ()-]{2,30}$/, {
      message: "a phone is digits with optional +, spaces, dashes or parentheses"
    })
  )
})
/** @see {@link PublicContact} */
export type PublicContact = typeof PublicContact.Type

/** A grid's roster was replaced as a whole. */
export class GridRosterReplaced extends Schema.TaggedClass<GridRosterReplaced>()("GridRosterReplaced", {
  gridId: GridId,
  /** The grid version in force when it was set. */
  version: VersionNumber,
  members: Schema.Array(RosterMember),
  contacts: Schema.Array(PublicContact),
  changedAt: Instant.Instant,
  changedBy: Schema.String
}) {}

/** Events of `unit-set:<id>` streams. */
export type UnitSetEvent = UnitSetUploaded
/** Events of `partition-job:<id>` streams. */
export type PartitionJobEvent = PartitionJobRequested | PartitionJobCompleted | PartitionJobFailed
/** Events of the `grid-registry:<locality>` stream. */
export type RegistryEvent = GridVersionPublished | GridRetired
/** Events of the `grid-roster:<locality>` stream. */
export type RosterEvent = GridRosterReplaced

/** Codec of unit-set streams. */
export const unitSetCodec = EventCodec.make({ UnitSetUploaded })
/** Codec of partition-job streams. */
export const partitionJobCodec = EventCodec.make({ PartitionJobRequested, PartitionJobCompleted, PartitionJobFailed })
/** Codec of the registry stream. */
export const registryCodec = EventCodec.make({ GridVersionPublished, GridRetired })
/** Codec of the roster stream. */
export const rosterCodec = EventCodec.make({ GridRosterReplaced })

/** Event types that stay inside the service (no outbox row, not on the bus). */
export const privateTypes: ReadonlyArray<string> = [
  "UnitSetUploaded",
  "PartitionJobRequested",
  "PartitionJobCompleted",
  "PartitionJobFailed"
]

/** Stream ids. */
export const streams = {
  unitSet: (id: string) => `unit-set:${id}`,
  partitionJob: (id: string) => `partition-job:${id}`,
  registry: (locality: string) => `grid-registry:${locality}`,
  roster: (locality: string) => `grid-roster:${locality}`
} as const
