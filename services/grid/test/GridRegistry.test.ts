import { describe, it } from "@effect/vitest"
import { Decider, Instant } from "@gridwork/core"
import { DeciderSpec } from "@gridwork/core/testing"
import { Result } from "effect"
import { assert } from "vitest"
import { GridRetired, GridVersionPublished, type JobResult } from "../src/domain/GridEvents"
import * as GridRegistry from "../src/domain/GridRegistry"

const at = Instant.unsafeFromIso("2026-11-01T09:00:00+08:00")
const hash = (c: string) => c.repeat(64)
const job1 = "01a20000-0000-7000-8000-000000000001"
const job2 = "01a20000-0000-7000-8000-000000000002"
const job3 = "01a20000-0000-7000-8000-000000000003"
const unitSet = "01a20000-0000-7000-8000-0000000000aa"

const result = (gridIds: ReadonlyArray<string>, extra: Partial<JobResult> = {}): JobResult => ({
  grids: gridIds.length,
  units: 10,
  totalWeight: 1000,
  ok: gridIds.length,
  over: 0,
  under: 0,
  reasons: {},
  gridIds,
  highWater: { a: 3 },
  successors: [],
  renumbered: false,
  gridsHash: hash("a"),
  indexHash: hash("b"),
  assignmentsHash: hash("c"),
  ...extra
})

const publish = (jobId: string, baseVersion: number, gridIds: ReadonlyArray<string>, extra: Partial<JobResult> = {}) =>
  ({
    _tag: "PublishGridVersion",
    jobId,
    unitSetId: unitSet,
    bounds: { min: 100, max: 300 },
    baseVersion,
    result: result(gridIds, extra),
    at,
    by: "planner"
  }) as const

const published = (
  version: number,
  jobId: string,
  previousVersion: number,
  gridIds: ReadonlyArray<string>,
  created: number,
  retired: number,
  highWater: Record<string, number> = { a: 3 }
) =>
  new GridVersionPublished({
    version,
    jobId,
    unitSetId: unitSet,
    previousVersion,
    bounds: { min: 100, max: 300 },
    counts: {
      grids: gridIds.length,
      units: 10,
      totalWeight: 1000,
      ok: gridIds.length,
      over: 0,
      under: 0,
      created,
      retired
    },
    gridsHash: hash("a"),
    indexHash: hash("b"),
    assignmentsHash: hash("c"),
    gridIds,
    highWater,
    publishedAt: at,
    publishedBy: "planner"
  })

const spec = DeciderSpec.given(GridRegistry.decider)
const first = published(1, job1, 0, ["a-1", "a-2", "a-3"], 3, 0)

describe("GridRegistry", () => {
  it("publishes the first version with every grid created", () => {
    spec([])
      .when(publish(job1, 0, ["a-1", "a-2", "a-3"]))
      .then([first])
  })

  it("retires the grids the new version no longer has, naming their successors", () => {
    spec([first])
      .when(
        publish(job2, 1, ["a-1", "a-4"], {
          highWater: { a: 4 },
          successors: [
            { gridId: "a-2", successors: ["a-4"] },
            { gridId: "a-3", successors: ["a-1", "a-4"] }
          ]
        })
      )
      .then([
        published(2, job2, 1, ["a-1", "a-4"], 1, 2, { a: 4 }),
        new GridRetired({ gridId: "a-2", version: 2, successors: ["a-4"], retiredAt: at }),
        new GridRetired({ gridId: "a-3", version: 2, successors: ["a-1", "a-4"], retiredAt: at })
      ])
  })

  it("refuses a job computed against a version that is no longer in force", () => {
    spec([first])
      .when(publish(job2, 0, ["a-1"]))
      .thenError(new GridRegistry.StaleBaseVersion({ jobId: job2, baseVersion: 0, current: 1 }))
  })

  it("never hands out a retired id again", () => {
    const history = [
      first,
      published(2, job2, 1, ["a-1", "a-4"], 1, 2, { a: 4 }),
      new GridRetired({ gridId: "a-2", version: 2, successors: ["a-4"], retiredAt: at }),
      new GridRetired({ gridId: "a-3", version: 2, successors: ["a-4"], retiredAt: at })
    ]
    spec(history)
      .when(publish(job3, 2, ["a-1", "a-3", "a-4"]))
      .thenError(new GridRegistry.RetiredIdReused({ jobId: job3, gridIds: ["a-3"] }))
  })

  it("refuses to publish a job twice", () => {
    spec([first])
      .when(publish(job1, 1, ["a-1", "a-2", "a-3"]))
      .thenError(new GridRegistry.JobAlreadyPublished({ jobId: job1, version: 1 }))
  })

  it("keeps the largest high-water mark per community across versions", () => {
    const decision = Result.getOrThrow(
      Decider.run(GridRegistry.decider, [first], publish(job2, 1, ["a-1", "b-1"], { highWater: { a: 1, b: 1 } }))
    )
    assert.deepStrictEqual(decision.state.highWater, { a: 3, b: 1 })
    assert.deepStrictEqual([...decision.state.retired.keys()], ["a-2", "a-3"])
    assert.strictEqual(decision.state.current, 2)
    assert.deepStrictEqual([...decision.state.currentIds], ["a-1", "b-1"])
    assert.strictEqual(decision.state.jobs.get(job2), 2)
  })
})
