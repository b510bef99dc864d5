/**
 * What the grid service's endpoints answer with: named Schemas (they become the
 * OpenAPI document's `components.schemas`) and the functions that build them from the
 * service's records. Times are ISO 8601 strings (UTC) on the wire.
 *
 * @example
 * ```ts
 * import { Schema } from "effect"
 * import { Views } from "@gridwork/service-grid"
 *
 * const json = Schema.encodeSync(Views.JobView)(view)
 * ```
 * @module
 */
import { Instant } from "@gridwork/core"
import { Schema } from "effect"
import { UnitFinding } from "../compute/ComputeTask"
import {
  Bounds,
  Churn,
  FailureCode,
  GridId,
  PublicContact,
  ReadOptions,
  RosterMember,
  Sha256,
  Successors,
  UnitSetCounts,
  type UnitSetUploaded,
  VersionCounts
} from "../domain/GridEvents"
import type * as GridRegistry from "../domain/GridRegistry"
import type * as PartitionJobs from "../services/PartitionJobs"

const Time = Instant.InstantFromString

/** The largest number of findings listed in an upload's answer (all are in its report). */
export const MAX_FINDINGS = 1000

/** An uploaded unit set and its validation report. */
export const UnitSetView = Schema.Struct({
  unitSetId: Schema.String,
  name: Schema.optionalKey(Schema.String),
  documentHash: Sha256,
  options: ReadOptions,
  counts: UnitSetCounts,
  /** Every finding (up to 1,000), errors first: units left out, then warnings (kept). */
  findings: Schema.Array(UnitFinding),
  /** How many findings there are in all. */
  findingsTotal: Schema.Int,
  uploadedAt: Time,
  uploadedBy: Schema.String
}).annotate({ identifier: "UnitSet" })
/** @see {@link UnitSetView} */
export type UnitSetView = typeof UnitSetView.Type

/** Builds a {@link UnitSetView}. */
export const unitSetView = (unitSet: UnitSetUploaded, findings: ReadonlyArray<UnitFinding>): UnitSetView => {
  const ordered = [...findings].sort((a, b) =>
    a.severity === b.severity ? a.featureIndex - b.featureIndex : a.severity === "error" ? -1 : 1
  )
  return {
    unitSetId: unitSet.unitSetId,
    ...(unitSet.name === undefined ? {} : { name: unitSet.name }),
    documentHash: unitSet.documentHash,
    options: unitSet.options,
    counts: unitSet.counts,
    findings: ordered.slice(0, MAX_FINDINGS),
    findingsTotal: findings.length,
    uploadedAt: unitSet.uploadedAt,
    uploadedBy: unitSet.uploadedBy
  }
}

/** A finished partition's summary (the grid ids are in its grids file). */
export const JobResultView = Schema.Struct({
  grids: Schema.Int,
  units: Schema.Int,
  totalWeight: Schema.Finite,
  ok: Schema.Int,
  over: Schema.Int,
  under: Schema.Int,
  reasons: Schema.Record(Schema.String, Schema.Int),
  churn: Schema.optionalKey(Churn),
  successors: Schema.Array(Successors),
  renumbered: Schema.Boolean,
  gridsHash: Sha256,
  indexHash: Sha256
}).annotate({ identifier: "PartitionResult" })

/** A partition job. */
export const JobView = Schema.Struct({
  jobId: Schema.String,
  unitSetId: Schema.String,
  bounds: Bounds,
  previousVersion: Schema.optionalKey(Schema.Int),
  /** The version in force when the job was asked for (0: none); publishing needs it still in force. */
  baseVersion: Schema.Int,
  status: Schema.Literals(["queued", "running", "completed", "failed"]),
  progress: Schema.optionalKey(Schema.Struct({ phase: Schema.String, percent: Schema.Int })),
  result: Schema.optionalKey(JobResultView),
  failure: Schema.optionalKey(
    Schema.Struct({ code: FailureCode, reason: Schema.String, failedAt: Schema.optionalKey(Time) })
  ),
  requestedAt: Time,
  requestedBy: Schema.String,
  completedAt: Schema.optionalKey(Time)
}).annotate({ identifier: "PartitionJob" })
/** @see {@link JobView} */
export type JobView = typeof JobView.Type

/** Builds a {@link JobView}. */
export const jobView = (job: PartitionJobs.JobView): JobView => ({
  jobId: job.jobId,
  unitSetId: job.unitSetId,
  bounds: job.bounds,
  ...(job.previousVersion === undefined ? {} : { previousVersion: job.previousVersion }),
  baseVersion: job.baseVersion,
  status: job.status,
  ...(job.progress === undefined ? {} : { progress: job.progress }),
  ...(job.result === undefined
    ? {}
    : {
        result: {
          grids: job.result.grids,
          units: job.result.units,
          totalWeight: job.result.totalWeight,
          ok: job.result.ok,
          over: job.result.over,
          under: job.result.under,
          reasons: job.result.reasons,
          ...(job.result.churn === undefined ? {} : { churn: job.result.churn }),
          successors: job.result.successors,
          renumbered: job.result.renumbered,
          gridsHash: job.result.gridsHash,
          indexHash: job.result.indexHash
        }
      }),
  ...(job.failure === undefined
    ? {}
    : {
        failure: {
          code: job.failure.code,
          reason: job.failure.reason,
          ...(job.failure.failedAt === undefined ? {} : { failedAt: job.failure.failedAt })
        }
      }),
  requestedAt: job.requestedAt,
  requestedBy: job.requestedBy,
  ...(job.completedAt === undefined ? {} : { completedAt: job.completedAt })
})

/** A published grid version. */
export const VersionView = Schema.Struct({
  version: Schema.Int,
  /** Whether it is the version in force. */
  inForce: Schema.Boolean,
  jobId: Schema.String,
  unitSetId: Schema.String,
  previousVersion: Schema.Int,
  bounds: Bounds,
  counts: VersionCounts,
  churn: Schema.optionalKey(Churn),
  /** SHA-256 of the grids GeoJSON served at `GET /v1/grids?version=`. */
  gridsHash: Sha256,
  indexHash: Sha256,
  publishedAt: Time,
  publishedBy: Schema.String
}).annotate({ identifier: "GridVersion" })
/** @see {@link VersionView} */
export type VersionView = typeof VersionView.Type

/** Builds a {@link VersionView}. */
export const versionView = (record: GridRegistry.VersionRecord, current: number): VersionView => ({
  version: record.version,
  inForce: record.version === current,
  jobId: record.jobId,
  unitSetId: record.unitSetId,
  previousVersion: record.previousVersion,
  bounds: record.bounds,
  counts: record.counts,
  ...(record.churn === undefined ? {} : { churn: record.churn }),
  gridsHash: record.gridsHash,
  indexHash: record.indexHash,
  publishedAt: record.publishedAt,
  publishedBy: record.publishedBy
})

/** The answer to a publication: the new version and the ids it retired. */
export const PublicationView = Schema.Struct({
  version: VersionView,
  retired: Schema.Array(Successors)
}).annotate({ identifier: "GridPublication" })
/** @see {@link PublicationView} */
export type PublicationView = typeof PublicationView.Type

/** Every published version, newest first. */
export const VersionListView = Schema.Struct({
  current: Schema.Int,
  versions: Schema.Array(VersionView)
}).annotate({ identifier: "GridVersionList" })

/** Where a point is: its grid and who answers for it (role-level; no personal data). */
export const LocateView = Schema.Struct({
  lon: Schema.Finite,
  lat: Schema.Finite,
  version: Schema.Int,
  gridId: GridId,
  community: Schema.NullOr(Schema.String),
  /** Jurisdiction chain of the grid's community, lowest first. */
  jurisdictions: Schema.Array(Schema.String),
  /** The roles staffed in the grid and how many persons hold each (no names, no ids). */
  staff: Schema.Array(Schema.Struct({ role: Schema.String, count: Schema.Int })),
  /** The grid's public contact lines (worker, supervision). */
  contacts: Schema.Array(PublicContact)
}).annotate({ identifier: "Location" })
/** @see {@link LocateView} */
export type LocateView = typeof LocateView.Type

/** A grid's roster. */
export const RosterView = Schema.Struct({
  gridId: GridId,
  /** The version in force. */
  version: Schema.Int,
  members: Schema.Array(RosterMember),
  contacts: Schema.Array(PublicContact),
  changedAt: Schema.optionalKey(Time),
  changedBy: Schema.optionalKey(Schema.String)
}).annotate({ identifier: "GridRoster" })
/** @see {@link RosterView} */
export type RosterView = typeof RosterView.Type

/** One staffing gap. */
export const StaffingGapView = Schema.Struct({
  rule: Schema.String,
  severity: Schema.Literals(["error", "warning"]),
  gridId: Schema.optionalKey(Schema.String),
  personId: Schema.optionalKey(Schema.String),
  community: Schema.optionalKey(Schema.String),
  role: Schema.optionalKey(Schema.String),
  message: Schema.String
}).annotate({ identifier: "StaffingGap" })

/** The staffing check of the version in force. */
export const StaffingView = Schema.Struct({
  version: Schema.Int,
  grids: Schema.Int,
  staffedGrids: Schema.Int,
  errors: Schema.Int,
  warnings: Schema.Int,
  gaps: Schema.Array(StaffingGapView)
}).annotate({ identifier: "StaffingCheck" })
/** @see {@link StaffingView} */
export type StaffingView = typeof StaffingView.Type
