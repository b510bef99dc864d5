import { describe, it } from "@effect/vitest"
import { AuditReport, GridIds, LookupIndex, StaffingPolicy, SyntheticUnits } from "@gridwork/grid"
import { Result } from "effect"
import { assert } from "vitest"
import * as Compute from "../src/compute/Compute"
import type { PartitionTask } from "../src/compute/ComputeTask"

const encoder = new TextEncoder()
const bytes = (value: unknown) => encoder.encode(JSON.stringify(value))
const options = { idProperty: "id", weightProperty: "households", communityProperty: "community" }

/** 20 × 10 squares of 10 households; community A west, B east (1,000 households each). */
const lattice = (weight: (column: number, row: number) => number = () => 10) =>
  SyntheticUnits.lattice({
    columns: 20,
    rows: 10,
    weight,
    community: (column) => (column < 10 ? "A" : "B")
  })

const task = (document: unknown, extra: Partial<PartitionTask> = {}): PartitionTask => ({
  _tag: "Partition",
  units: bytes(document),
  options,
  bounds: { min: 150, max: 250 },
  reserved: { highWater: {}, hasHistory: false },
  generatedAt: "2026-11-01T01:00:00.000Z",
  ...extra
})

const parse = (data: Uint8Array) => JSON.parse(new TextDecoder().decode(data))

describe("Compute.validate", () => {
  it("lists every bad feature by pointer and rule, and counts what is kept", () => {
    const document = lattice()
    const features: Array<unknown> = [...document.features]
    features[3] = { ...document.features[3]!, properties: { ...document.features[3]!.properties, households: "many" } }
    features[7] = { ...document.features[7]!, geometry: null }
    features[9] = { ...document.features[9]!, properties: { ...document.features[9]!.properties, id: "r0c0" } }
    const report = Compute.validate({ _tag: "Validate", document: bytes({ ...document, features }), options })
    assert.strictEqual(report.counts.features, 200)
    assert.strictEqual(report.counts.rejected, 3)
    assert.strictEqual(report.counts.units, 197)
    assert.strictEqual(report.counts.communities, 2)
    assert.strictEqual(report.counts.totalWeight, 1970)
    const errors = report.findings.filter((f) => f.severity === "error").map((f) => [f.path, f.code])
    assert.deepStrictEqual(errors.sort(), [
      ["/features/3", "invalid-weight"],
      ["/features/7", "null-geometry"],
      ["/features/9", "duplicate-id"]
    ])
  })

  it("refuses bytes that are not JSON, naming what is wrong", () => {
    assert.throws(
      () => Compute.validate({ _tag: "Validate", document: encoder.encode("{ not json"), options }),
      Compute.InvalidInput,
      /the unit set is not JSON/
    )
  })
})

describe("Compute.partition", () => {
  it("partitions, writes the grids file and an index that agrees with the assignments", () => {
    const output = Compute.partition(task(lattice()))
    assert.strictEqual(output.summary.grids, 10)
    assert.strictEqual(output.summary.ok, 10)
    assert.strictEqual(output.summary.totalWeight, 2000)
    assert.isFalse(output.summary.renumbered)
    assert.deepStrictEqual(output.summary.highWater, { A: 5, B: 5 })
    const grids = parse(output.grids)
    assert.strictEqual(grids.generated_at, "2026-11-01T01:00:00.000Z")
    assert.deepStrictEqual(
      grids.features.map((f: { properties: { grid_id: string } }) => f.properties.grid_id),
      output.summary.gridIds
    )
    const index = Result.getOrThrow(LookupIndex.decode(output.index))
    const assignments = new Map(
      new TextDecoder()
        .decode(output.assignments)
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(",") as [string, string])
    )
    // The centre of every square lies in the grid its unit was assigned to.
    for (const feature of lattice().features) {
      const ring = feature.geometry.coordinates[0]!
      const lon = (ring[0]![0] + ring[2]![0]) / 2
      const lat = (ring[0]![1] + ring[2]![1]) / 2
      assert.strictEqual(LookupIndex.locateId(index, lon, lat), assignments.get(feature.properties.id))
    }
  })

  it("keeps every id when nothing changed, and reports no churn", () => {
    const first = Compute.partition(task(lattice()))
    const again = Compute.partition(
      task(lattice(), { previous: first.grids, reserved: { highWater: first.summary.highWater, hasHistory: true } })
    )
    assert.deepStrictEqual(again.summary.gridIds, first.summary.gridIds)
    assert.strictEqual(again.summary.churn?.weightShare, 0)
    assert.strictEqual(again.summary.churn?.keptGrids, 10)
    assert.deepStrictEqual(again.summary.successors, [])
  })

  it("re-partitions where weights changed, keeps the other community's ids and names successors of retired grids", () => {
    const first = Compute.partition(task(lattice()))
    // Community B loses most of its households: five grids cannot stay within bounds.
    const lighter = lattice((column) => (column < 10 ? 10 : 4))
    const next = Compute.partition(
      task(lighter, { previous: first.grids, reserved: { highWater: first.summary.highWater, hasHistory: true } })
    )
    const aIds = first.summary.gridIds.filter((id) => id.startsWith("A-"))
    for (const id of aIds) assert.include(next.summary.gridIds, id)
    const churn = next.summary.churn!
    assert.isAbove(churn.retiredGrids.length, 0)
    assert.deepStrictEqual(
      next.summary.successors.map((s) => s.gridId),
      churn.retiredGrids.slice().sort((a, b) => first.summary.gridIds.indexOf(a) - first.summary.gridIds.indexOf(b))
    )
    for (const successor of next.summary.successors) {
      assert.isAbove(successor.successors.length, 0)
      for (const id of successor.successors) assert.include(next.summary.gridIds, id)
    }
    for (const id of churn.createdGrids)
      assert.isAbove(GridIds.parse(id)!.n, first.summary.highWater[GridIds.parse(id)!.community]!)
  })

  it("numbers a from-scratch partition above every id used before", () => {
    const output = Compute.partition(task(lattice(), { reserved: { highWater: { A: 7, B: 2 }, hasHistory: true } }))
    assert.isTrue(output.summary.renumbered)
    const numbers = output.summary.gridIds.map((id) => GridIds.parse(id)!)
    for (const { community, n } of numbers) assert.isAbove(n, community === "A" ? 7 : 2)
    assert.deepStrictEqual(output.summary.highWater, { A: 12, B: 7 })
    const written = parse(output.grids)
    assert.deepStrictEqual(written.gridwork.highWater, { A: 12, B: 7 })
  })

  it("refuses a unit set without usable units and bounds that cannot be", () => {
    assert.throws(
      () =>
        Compute.partition(
          task({ type: "FeatureCollection", features: [{ type: "Feature", properties: {}, geometry: null }] })
        ),
      Compute.InvalidInput,
      /no usable unit/
    )
    assert.throws(() => Compute.partition(task(lattice(), { bounds: { min: 300, max: 200 } })), Compute.InvalidInput)
  })
})

describe("Compute.audit", () => {
  it("audits a partition with its assignments and roster", () => {
    const output = Compute.partition(task(lattice()))
    const [firstGrid] = output.summary.gridIds
    const report = Compute.audit({
      _tag: "Audit",
      grids: output.grids,
      gridsPublishedAt: Date.parse("2026-11-01T01:00:00Z"),
      assignments: output.assignments,
      roster: {
        entries: [{ gridId: firstGrid!, personId: "p-1", role: "leader" }],
        contacts: [],
        asOf: Date.parse("2026-11-01T02:00:00Z")
      },
      policy: StaffingPolicy.defaultPolicy,
      now: Date.parse("2026-11-02T00:00:00Z"),
      gridsMaxAgeDays: 365,
      rosterMaxAgeDays: 90
    })
    assert.strictEqual(report.totals.grids, 10)
    assert.strictEqual(report.totals.units, 200)
    const outcome = (check: string) => report.checks.find((c) => c.check === check)?.outcome
    assert.strictEqual(outcome("coverage"), "passed")
    assert.strictEqual(outcome("overlap"), "passed")
    assert.strictEqual(outcome("staffing"), "failed")
    assert.isFalse(
      report.findings.some(
        (f) => f.rule === "staffing.missing-role" && f.subject === firstGrid && f.message.includes("leader")
      )
    )
    assert.isTrue(AuditReport.hasErrors(report))
  })
})
