import { describe, it } from "@effect/vitest"
import { Decider, Instant } from "@gridwork/core"
import { DeciderSpec } from "@gridwork/core/testing"
import { Option } from "effect"
import { assert } from "vitest"
import {
  type JobResult,
  PartitionJobCompleted,
  PartitionJobFailed,
  PartitionJobRequested
} from "../src/domain/GridEvents"
import * as PartitionJob from "../src/domain/PartitionJob"
import { viewOf } from "../src/services/PartitionJobs"

const at = Instant.unsafeFromIso("2026-11-01T09:00:00+08:00")
const later = Instant.fromMillis(at + 60_000)
const jobId = "01a20000-0000-7000-8000-000000000001"
const unitSetId = "01a20000-0000-7000-8000-0000000000aa"
const bounds = { min: 750, max: 1250 }

const result: JobResult = {
  grids: 2,
  units: 4,
  totalWeight: 2000,
  ok: 2,
  over: 0,
  under: 0,
  reasons: {},
  gridIds: ["1-1", "1-2"],
  highWater: { "1": 2 },
  successors: [],
  renumbered: false,
  gridsHash: "a".repeat(64),
  indexHash: "b".repeat(64),
  assignmentsHash: "c".repeat(64)
}

const requested = new PartitionJobRequested({
  jobId,
  unitSetId,
  bounds,
  baseVersion: 0,
  requestedAt: at,
  requestedBy: "planner"
})
const completed = new PartitionJobCompleted({ jobId, result, completedAt: later })
const failed = new PartitionJobFailed({ jobId, code: "cancelled", reason: "shutdown", failedAt: later })

const spec = DeciderSpec.given(PartitionJob.decider)
const request = {
  _tag: "RequestPartition",
  jobId,
  unitSetId,
  bounds,
  previousVersion: undefined,
  baseVersion: 0,
  at,
  by: "planner"
} as const

describe("PartitionJob", () => {
  it("records a request, then its result", () => {
    spec([]).when(request).then([requested])
    spec([requested]).when({ _tag: "CompletePartition", jobId, result, at: later }).then([completed])
  })

  it("records a failure of a requested job", () => {
    spec([requested])
      .when({ _tag: "FailPartition", jobId, code: "cancelled", reason: "shutdown", at: later })
      .then([failed])
  })

  it("never changes a finished job", () => {
    spec([requested, completed])
      .when({ _tag: "FailPartition", jobId, code: "internal", reason: "late", at: later })
      .thenError(new PartitionJob.JobTransitionRefused({ jobId, command: "FailPartition", status: "completed" }))
    spec([requested, failed])
      .when({ _tag: "CompletePartition", jobId, result, at: later })
      .thenError(new PartitionJob.JobTransitionRefused({ jobId, command: "CompletePartition", status: "failed" }))
    spec([requested])
      .when(request)
      .thenError((error) => assert.strictEqual(error.status, "queued"))
  })

  it("shows an unfinished job no runner knows as interrupted, one this process runs as it is", () => {
    const state = Decider.fold(PartitionJob.decider, [requested])
    const orphan = Option.getOrThrow(viewOf(state, undefined))
    assert.strictEqual(orphan.status, "failed")
    assert.strictEqual(orphan.failure?.code, "interrupted")
    const running = Option.getOrThrow(viewOf(state, { status: "running", progress: { phase: "refine", percent: 40 } }))
    assert.strictEqual(running.status, "running")
    assert.deepStrictEqual(running.progress, { phase: "refine", percent: 40 })
    const done = Option.getOrThrow(viewOf(Decider.fold(PartitionJob.decider, [requested, completed]), undefined))
    assert.strictEqual(done.status, "completed")
    assert.deepStrictEqual(done.result, result)
    assert.isTrue(Option.isNone(viewOf(PartitionJob.initialState, undefined)))
  })
})
