import { readFileSync } from "node:fs"
import { describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import { Instant, Simulation, SimulationEvent, Timeline } from "../src"
import { fixturePath, hexiModel } from "./fixtures/simulation/HexiModel"

const model = hexiModel()
const events = Result.getOrThrow(
  SimulationEvent.parseEvents(readFileSync(fixturePath("climb.json"), "utf8"), "climb.json")
)
const until = Instant.unsafeFromIso("2026-10-31T00:00:00+08:00")

const grid = "hexi.town.liushu.g1.station"
const village = "hexi.town.liushu.cwh"
const town = "hexi.town.zzzx"
const county = "hexi.zzzx"

/**
 * The expected timeline of matter-1, written by hand from the model and the calendar:
 * [local time, kind, holder after the entry, rule, a phrase the explanation must contain].
 *
 * Working hours are 08:30–12:00 and 14:00–17:30 (7 h a day). National Day 2026 is
 * 1–7 October; Saturday 10 October is a make-up working day.
 */
const expected: ReadonlyArray<readonly [string, Timeline.EntryKind, string, string, string]> = [
  // Reported Mon 28 Sep 10:00 at the grid; 2 working days: 29, 30 Sep → due Wed 30 Sep 17:30.
  ["2026-09-28 10:00", "event", "-", "-", "MatterReported (by hexi.town.liushu.g1.station"],
  ["2026-09-28 10:00", "holder", grid, "-", "receives the matter first"],
  ["2026-09-28 10:00", "opened", grid, "grid.resolve", "due 2026-09-30 17:30 (policy 2026.1"],
  // Budget 5.5 h (28 Sep from 10:00) + 14 h = 19.5 h; 50% = 9.75 h → 4.25 h into 29 Sep → 14:45.
  ["2026-09-29 14:45", "warned", grid, "grid.resolve", "50% of the time for grid.resolve used"],
  ["2026-09-30 17:30", "overdue", grid, "grid.resolve", "due 2026-09-30 17:30 passed"],
  ["2026-09-30 17:30", "escalated", grid, "overdue-climbs", "overdue since 2026-09-30 17:30"],
  ["2026-09-30 17:30", "holder", village, "overdue-climbs", `to ${village}`],
  ["2026-09-30 17:30", "cancelled", village, "grid.resolve", "cancelled (escalated)"],
  // 3 working days after Wed 30 Sep: (1–7 Oct off) Thu 8, Fri 9, Sat 10 Oct (make-up day) → due Sat 10 Oct 17:30.
  ["2026-09-30 17:30", "opened", village, "escalated.resolve", "due 2026-10-10 17:30"],
  // Budget 21 h; 80% = 16.8 h: 8 Oct 7 h, 9 Oct 7 h, 2.8 h on 10 Oct → 11:18.
  ["2026-10-10 11:18", "warned", village, "escalated.resolve", "80%"],
  ["2026-10-10 17:30", "overdue", village, "escalated.resolve", "due 2026-10-10 17:30 passed"],
  ["2026-10-10 17:30", "escalated", village, "overdue-climbs", "held at tier village"],
  ["2026-10-10 17:30", "holder", town, "overdue-climbs", `to ${town}`],
  ["2026-10-10 17:30", "cancelled", town, "escalated.resolve", "cancelled (escalated)"],
  // 3 working days after Sat 10 Oct: Mon 12, Tue 13, Wed 14 Oct → due Wed 14 Oct 17:30; 80% → 14 Oct 11:18.
  ["2026-10-10 17:30", "opened", town, "escalated.resolve", "due 2026-10-14 17:30"],
  ["2026-10-14 11:18", "warned", town, "escalated.resolve", "80%"],
  ["2026-10-14 11:18", "escalated", town, "warn-leader", "used 80% of its time"],
  ["2026-10-14 11:18", "notified", town, "warn-leader", "Sun Li 孙丽 (hexi.town.gov); Qian Wei 钱伟 (hexi.xfj)"],
  ["2026-10-14 17:30", "overdue", town, "escalated.resolve", "due 2026-10-14 17:30 passed"],
  ["2026-10-14 17:30", "escalated", town, "to-county-with-leader", "held at tier township"],
  ["2026-10-14 17:30", "holder", county, "to-county-with-leader", `to ${county}`],
  ["2026-10-14 17:30", "cancelled", county, "escalated.resolve", "cancelled (escalated)"],
  // 3 working days after Wed 14 Oct: 15, 16, 19 Oct → due Mon 19 Oct 17:30.
  ["2026-10-14 17:30", "opened", county, "escalated.resolve", "due 2026-10-19 17:30"],
  [
    "2026-10-14 17:30",
    "leader",
    county,
    "to-county-with-leader",
    "Qian Wei 钱伟 (leader, hexi.xfj) takes personal charge"
  ],
  ["2026-10-14 17:30", "reassigned", county, "escalated.resolve", "(leader-assigned)"],
  [
    "2026-10-14 17:30",
    "supervision",
    county,
    "to-county-with-leader",
    "by Hexi County 河西县 (hexi: hexi.zzzx, hexi.xfj)"
  ],
  ["2026-10-16 15:00", "event", county, "-", "MatterResolved (by hexi.zzzx)"],
  ["2026-10-16 15:00", "fulfilled", county, "escalated.resolve", "fulfilled on time (due 2026-10-19 17:30)"]
]

describe("Simulation: a matter climbs grid → village → township → county", () => {
  const run = Simulation.simulate(model, events, until)

  it("matches the hand-written timeline, instants and all", () => {
    const actual = run.timeline.map((e) => [
      Timeline.shortLocal(e.at, run.timeZone),
      e.kind,
      e.holder ?? "-",
      e.rule ?? "-"
    ])
    expect(actual).toEqual(expected.map(([at, kind, holder, rule]) => [at, kind, holder, rule]))
    run.timeline.forEach((entry, index) => {
      expect(entry.explanation).toContain(expected[index]?.[4])
      expect(entry.subject).toBe("matter-1")
    })
  })

  it("ends with the county holding the matter, its leader in charge and the county supervising", () => {
    expect(run.matters).toHaveLength(1)
    expect(run.matters[0]).toMatchObject({
      holder: { unit: county, role: "leader", actor: "019a6f40-0000-7000-8000-0000000000c3" },
      tier: "county",
      supervisedBy: "hexi",
      parties: 2
    })
    expect(run.obligations.map((o) => [o.terms.rule, o.owner.unit, o.status])).toEqual([
      ["grid.resolve", grid, "cancelled"],
      ["escalated.resolve", village, "cancelled"],
      ["escalated.resolve", town, "cancelled"],
      ["escalated.resolve", county, "fulfilled-on-time"]
    ])
    expect(run.truncated).toBe(false)
  })

  it("explains every firing with its rule, the observed facts and the policy version", () => {
    const firings = run.records.filter((r) => r._tag === "EscalationTriggered")
    expect(firings.map((f) => f.firing.rule)).toEqual([
      "overdue-climbs",
      "overdue-climbs",
      "warn-leader",
      "to-county-with-leader"
    ])
    for (const f of firings) expect(f.firing.policyVersion).toBe("2026.1")
    expect(firings[0]?.firing.observed).toEqual([
      { _tag: "Tier", tier: "grid" },
      {
        _tag: "Overdue",
        obligation: run.obligations[0]?.id,
        rule: "grid.resolve",
        due: Instant.unsafeFromIso("2026-09-30T17:30:00+08:00")
      }
    ])
  })

  it("is deterministic and stops at `until`", () => {
    expect(Simulation.simulate(model, events, until)).toEqual(run)
    const early = Simulation.simulate(model, events, Instant.unsafeFromIso("2026-10-01T00:00:00+08:00"))
    expect(early.timeline.map((e) => e.kind)).toEqual(run.timeline.slice(0, 9).map((e) => e.kind))
    expect(early.eventsAfterUntil).toBe(1)
  })

  it("renders a readable timeline and a JSON one with local instants", () => {
    const text = Timeline.render(run.timeline, run.timeZone)
    expect(text.split("\n")).toHaveLength(expected.length)
    expect(text).toContain("2026-10-14 17:30  matter-1  escalated    hexi.town.zzzx")
    const json = Timeline.toJson(run.timeline, run.timeZone)
    expect(json[0]?.at).toBe("2026-09-28T10:00:00+08:00")
  })
})
