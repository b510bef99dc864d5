import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { AccountabilityReport, Instant, Simulation, SimulationEvent } from "../src"
import { fixturePath, hexiModel } from "./fixtures/simulation/HexiModel"

const t = Instant.unsafeFromIso
const HOUR = Instant.HOUR
const grid = "hexi.town.liushu.g1.station"
const village = "hexi.town.liushu.cwh"

const load = (name: string) =>
  Result.getOrThrow(SimulationEvent.parseEvents(readFileSync(fixturePath(name), "utf8"), name))

// Only an overdue matter at the grid climbs (to the village); a village may run late.
const model = hexiModel(`      hitPolicy: first
      receivers: { village: village-committee }
      rules:
        - id: grid-overdue
          when: { overdue: true, tiers: [grid] }
          actions: [{ do: move-up }, { do: open, rule: escalated.resolve }]
`)
const run = Simulation.simulate(model, load("unit-record.json"), t("2026-11-01T00:00:00+08:00"))
const context = AccountabilityReport.contextOf(model)
const october = { from: t("2026-10-01T00:00:00+08:00"), to: t("2026-11-01T00:00:00+08:00") }

describe("AccountabilityReport.forUnit: a unit's record over a period", () => {
  it("the village committee: two matters late, one returned, one refused hand-back, one escalation received", () => {
    const report = AccountabilityReport.forUnit(run.records, village, october, context)
    expect(report).toMatchObject({
      judged: 2,
      onTime: 0,
      late: 2,
      missed: 0,
      onTimeShare: 0,
      overdueCount: 2,
      // matter-b: due Mon 19 Oct 17:30, resolved Wed 21 Oct 10:00 → 7 h (20 Oct) + 1.5 h = 8.5 working hours;
      // matter-d: due Tue 20 Oct 17:30, resolved Thu 22 Oct 09:00 → 7 h (21 Oct) + 0.5 h = 7.5 working hours.
      averageDelay: 8 * HOUR,
      returns: 1,
      refusedHandBacks: 1,
      escalationsReceived: 1,
      escalatedAway: 0
    })
    expect(report.shares.map((s) => [s.subject, s.rule, s.outcome, s.lateBy / HOUR])).toEqual([
      ["matter-b", "escalated.resolve", "late", 8.5],
      ["matter-d", "grid.resolve", "late", 7.5]
    ])
  })

  it("the grid station: two on time, one missed when it fell due and was escalated away", () => {
    const report = AccountabilityReport.forUnit(run.records, grid, october, context)
    expect(report).toMatchObject({
      judged: 3,
      onTime: 2,
      late: 0,
      missed: 1,
      onTimeShare: 2 / 3,
      overdueCount: 1,
      averageDelay: 0,
      returns: 0,
      refusedHandBacks: 0,
      escalationsReceived: 0,
      escalatedAway: 1
    })
    expect(report.shares.map((s) => [s.subject, s.outcome, s.outcomeAt])).toEqual([
      ["matter-a", "on-time", t("2026-10-13T16:00:00+08:00")],
      ["matter-b", "missed", t("2026-10-14T17:30:00+08:00")],
      ["matter-c", "on-time", t("2026-10-15T10:00:00+08:00")]
    ])
  })

  it("judges nothing outside the period", () => {
    const report = AccountabilityReport.forUnit(
      run.records,
      village,
      { from: t("2026-09-01T00:00:00+08:00"), to: t("2026-10-01T00:00:00+08:00") },
      context
    )
    expect(report).toMatchObject({ judged: 0, onTimeShare: undefined, averageDelay: undefined, returns: 0 })
  })

  it("renders as text and JSON", () => {
    const report = AccountabilityReport.forUnit(run.records, village, october, context)
    const text = AccountabilityReport.renderUnit(report, context)
    expect(text).toContain("on-time share:          0%")
    expect(text).toContain("average delay:          8 working hours")
    expect(text).toContain("handed back (returns):  1; refused hand-backs (designated): 1")
    expect(AccountabilityReport.unitToJson(report, context)).toMatchObject({
      unit: village,
      from: "2026-10-01T00:00:00+08:00",
      averageDelayHours: 8
    })
  })
})

describe("AccountabilityReport.forMatter: who held a matter when, and what each missed", () => {
  it("a matter routed to a designated unit that ran late", () => {
    const report = AccountabilityReport.forMatter(run.records, "matter-d", context)
    expect(AccountabilityReport.renderMatter(report, context)).toBe(
      [
        "Backward tracing (责任倒查) of matter-d, as of 2026-10-22 09:00 (Asia/Shanghai)",
        "",
        "Holders:",
        "  1. hexi.town.liushu.g1.station (Grid 1 work station 第一网格工作站) [grid]  2026-10-16 09:00 → 2026-10-16 10:00  received",
        '       - grid.resolve "Resolve the matter at the grid (网格内化解)" (policy 2026.1), due 2026-10-20 17:30: passed on before its due time, 2026-10-16 10:00',
        "  2. hexi.town.liushu.cwh (Liushu Villagers' Committee 柳树村村委会) [village]  2026-10-16 10:00 → now  routed, designated",
        '       - grid.resolve "Resolve the matter at the grid (网格内化解)" (policy 2026.1), due 2026-10-20 17:30: met LATE by 7.5 working hours, 2026-10-22 09:00',
        "",
        "Escalations:",
        "  (none)",
        "",
        "Hand-backs:",
        "  2026-10-19 09:00  hexi.town.liushu.cwh tried to hand it back but was designated (refused)"
      ].join("\n")
    )
  })

  it("a matter that climbed grid → village → township → county: each holder, its miss, the rule that moved it", () => {
    const climbModel = hexiModel()
    const climb = Simulation.simulate(climbModel, load("climb.json"), t("2026-10-31T00:00:00+08:00"))
    const climbContext = AccountabilityReport.contextOf(climbModel, t("2026-10-31T00:00:00+08:00"))
    const report = AccountabilityReport.forMatter(climb.records, "matter-1", climbContext)
    expect(
      report.holders.map((h) => [
        h.unit,
        h.tier,
        h.from,
        h.to,
        h.change,
        h.rule,
        h.obligations.map((o) => [o.rule, o.outcome, o.due, o.lateBy])
      ])
    ).toEqual([
      [
        grid,
        "grid",
        t("2026-09-28T10:00:00+08:00"),
        t("2026-09-30T17:30:00+08:00"),
        "received",
        undefined,
        [["grid.resolve", "missed", t("2026-09-30T17:30:00+08:00"), 0]]
      ],
      [
        village,
        "village",
        t("2026-09-30T17:30:00+08:00"),
        t("2026-10-10T17:30:00+08:00"),
        "escalated",
        "overdue-climbs",
        [["escalated.resolve", "missed", t("2026-10-10T17:30:00+08:00"), 0]]
      ],
      [
        "hexi.town.zzzx",
        "township",
        t("2026-10-10T17:30:00+08:00"),
        t("2026-10-14T17:30:00+08:00"),
        "escalated",
        "overdue-climbs",
        [["escalated.resolve", "missed", t("2026-10-14T17:30:00+08:00"), 0]]
      ],
      [
        "hexi.zzzx",
        "county",
        t("2026-10-14T17:30:00+08:00"),
        undefined,
        "escalated",
        "to-county-with-leader",
        [["escalated.resolve", "on-time", t("2026-10-19T17:30:00+08:00"), 0]]
      ]
    ])
    expect(report.holders[3]?.leader).toEqual({
      actor: "019a6f40-0000-7000-8000-0000000000c3",
      role: "leader",
      at: t("2026-10-14T17:30:00+08:00")
    })
    expect(report.escalations.map((e) => [e.rule, e.policyVersion])).toEqual([
      ["overdue-climbs", "2026.1"],
      ["overdue-climbs", "2026.1"],
      ["warn-leader", "2026.1"],
      ["to-county-with-leader", "2026.1"]
    ])
    expect(AccountabilityReport.renderMatter(report, climbContext)).toContain(
      "leader in charge (包案): Qian Wei 钱伟 (019a6f40-0000-7000-8000-0000000000c3) from 2026-10-14 17:30"
    )
  })

  it("judges an obligation still open after its due time as missed, measured to the report's instant", () => {
    const events = Result.getOrThrow(
      SimulationEvent.decodeEvents(
        [{ type: "MatterReported", subject: "m", at: "2026-10-12T09:00:00+08:00", unit: "hexi.town.liushu.cwh" }],
        "inline"
      )
    )
    const open = Simulation.simulate(model, events, t("2026-10-16T10:00:00+08:00"))
    // Held at the village (no escalation there): due Wed 14 Oct 17:30; as of Fri 16 Oct 10:00 → 7 h + 1.5 h late.
    const report = AccountabilityReport.forMatter(
      open.records,
      "m",
      AccountabilityReport.contextOf(model, t("2026-10-16T10:00:00+08:00"))
    )
    expect(report.holders[0]?.obligations.map((o) => [o.outcome, o.to, o.lateBy / HOUR])).toEqual([
      ["missed", undefined, 8.5]
    ])
  })
})
