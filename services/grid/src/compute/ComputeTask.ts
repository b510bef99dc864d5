/**
 * The work the service does off the event loop, and the messages that carry it to and
 * from a worker thread. Everything crossing the thread boundary is described here with
 * Schema and decoded on arrival: tasks by the worker, replies by the pool.
 *
 * - {@link ValidateTask}: read uploaded units and list every bad one;
 * - {@link PartitionTask}: partition (or re-partition against a previous grids file),
 *   write the grids GeoJSON, the assignments CSV and the serialized lookup index;
 * - {@link AuditTask}: the coverage audit of a grids file with its assignments and roster.
 * @module
 */

import { AuditReport, StaffingPolicy } from "@gridwork/grid"
import { Schema } from "effect"
import { Bounds, GridId, PartitionSummary, ReadOptions, UnitSetCounts } from "../domain/GridEvents"

/** One finding about an uploaded feature. */
export const UnitFinding = Schema.Struct({
  /** Index of the feature in the upload (`-1`: the document as a whole). */
  featureIndex: Schema.Int,
  unitId: Schema.optionalKey(Schema.String),
  /** `error`: the unit was left out; `warning`: it was kept. */
  severity: Schema.Literals(["error", "warning"]),
  /** The rule, e.g. `missing-weight`, `duplicate-id`, `self-intersection`. */
  code: Schema.String,
  /** JSON Pointer of the feature in the upload, e.g. `/features/12`. */
  path: Schema.String,
  message: Schema.String
})
/** @see {@link UnitFinding} */
export type UnitFinding = typeof UnitFinding.Type

/** The validation report of an upload. */
export const ValidationReport = Schema.Struct({
  counts: UnitSetCounts,
  findings: Schema.Array(UnitFinding)
})
/** @see {@link ValidationReport} */
export type ValidationReport = typeof ValidationReport.Type

/** Read uploaded units (UTF-8 GeoJSON) and report. */
export const ValidateTask = Schema.TaggedStruct("Validate", {
  document: Schema.Uint8Array,
  options: ReadOptions
})
/** @see {@link ValidateTask} */
export type ValidateTask = typeof ValidateTask.Type

/** What a re-partition must not do again: ids minted before and retired ids. */
export const Reserved = Schema.Struct({
  /** Largest id number ever minted per community in this locality. */
  highWater: Schema.Record(Schema.String, Schema.Int.check(Schema.isGreaterThanOrEqualTo(0))),
  /** Whether any version was published before (then a from-scratch result is numbered above `highWater`). */
  hasHistory: Schema.Boolean
})
/** @see {@link Reserved} */
export type Reserved = typeof Reserved.Type

/** Partition units into grids. */
export const PartitionTask = Schema.TaggedStruct("Partition", {
  /** The unit set's GeoJSON (UTF-8). */
  units: Schema.Uint8Array,
  options: ReadOptions,
  bounds: Bounds,
  /** The grids GeoJSON of the version whose ids to keep (a re-partition). */
  previous: Schema.optionalKey(Schema.Uint8Array),
  reserved: Reserved,
  /** ISO 8601 stamp written as the grids file's `generated_at`. */
  generatedAt: Schema.String
})
/** @see {@link PartitionTask} */
export type PartitionTask = typeof PartitionTask.Type

/** The artefacts and summary of a partition. */
export const PartitionOutput = Schema.Struct({
  grids: Schema.Uint8Array,
  index: Schema.Uint8Array,
  assignments: Schema.Uint8Array,
  summary: PartitionSummary
})
/** @see {@link PartitionOutput} */
export type PartitionOutput = typeof PartitionOutput.Type

/** A roster as the audit needs it. */
export const AuditRoster = Schema.Struct({
  entries: Schema.Array(Schema.Struct({ gridId: GridId, personId: Schema.String, role: Schema.String })),
  contacts: Schema.Array(
    Schema.Struct({ gridId: GridId, kind: Schema.Literals(["worker", "supervision"]), phone: Schema.String })
  ),
  /** Epoch ms of the last roster change. */
  asOf: Schema.optionalKey(Schema.Int)
})
/** @see {@link AuditRoster} */
export type AuditRoster = typeof AuditRoster.Type

/** Audit a published version. */
export const AuditTask = Schema.TaggedStruct("Audit", {
  grids: Schema.Uint8Array,
  /** Epoch ms the version was published (the grids file's age). */
  gridsPublishedAt: Schema.Int,
  assignments: Schema.Uint8Array,
  roster: AuditRoster,
  policy: StaffingPolicy.StaffingPolicy,
  /** Epoch ms of the audit. */
  now: Schema.Int,
  gridsMaxAgeDays: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  rosterMaxAgeDays: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1))
})
/** @see {@link AuditTask} */
export type AuditTask = typeof AuditTask.Type

/** Any task. */
export const Task = Schema.Union([ValidateTask, PartitionTask, AuditTask])
/** @see {@link Task} */
export type Task = typeof Task.Type

/** The output of each task kind. */
export interface OutputOf {
  readonly Validate: ValidationReport
  readonly Partition: PartitionOutput
  readonly Audit: AuditReport.AuditReport
}

/** The Schema of each task kind's output. */
export const outputSchemas = {
  Validate: ValidationReport,
  Partition: PartitionOutput,
  Audit: AuditReport.AuditReport
} as const

/** How far a task is: a phase name and a whole percentage. */
export const Progress = Schema.Struct({
  phase: Schema.String,
  percent: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 100 }))
})
/** @see {@link Progress} */
export type Progress = typeof Progress.Type

/** Why a task failed: its input cannot be used, or something unexpected happened. */
export const TaskFailure = Schema.Struct({
  code: Schema.Literals(["invalid-input", "internal"]),
  message: Schema.String
})
/** @see {@link TaskFailure} */
export type TaskFailure = typeof TaskFailure.Type

/** pool → worker. */
export const Request = Schema.Struct({ id: Schema.Int, task: Task })
/** @see {@link Request} */
export type Request = typeof Request.Type

/** worker → pool. */
export const Reply = Schema.Union([
  Schema.TaggedStruct("Progress", { id: Schema.Int, progress: Progress }),
  Schema.TaggedStruct("Done", { id: Schema.Int, output: Schema.Unknown }),
  Schema.TaggedStruct("Failed", { id: Schema.Int, failure: TaskFailure })
])
/** @see {@link Reply} */
export type Reply = typeof Reply.Type
