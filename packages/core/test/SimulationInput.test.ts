import { describe, expect, it } from "@effect/vitest"
import { Option, Result } from "effect"
import { Instant, PolicyOverlay, ResponsibilityModule, Simulation, SimulationEvent, Timeline } from "../src"
import { hexiModel } from "./fixtures/simulation/HexiModel"

const t = Instant.unsafeFromIso

describe("SimulationEvent.parseEvents", () => {
  const one = '{"type":"MatterReported","subject":"m-1","at":"2026-09-28T10:00:00+08:00","unit":"hexi.town.zzzx"}'

  it("reads a JSON array, an object with events, and NDJSON (blank lines skipped)", () => {
    for (const [text, file] of [
      [`[${one}]`, "a.json"],
      [`{"events":[${one}]}`, "b.json"],
      [`${one}\n\n${one.replace("m-1", "m-2")}\n`, "c.ndjson"]
    ] as const) {
      const events = Result.getOrThrow(SimulationEvent.parseEvents(text, file))
      expect(events[0]).toMatchObject({ type: "MatterReported", subject: "m-1", at: t("2026-09-28T10:00:00+08:00") })
    }
  })

  it("names the line of a bad NDJSON record and of a record that is not JSON", () => {
    const bad = SimulationEvent.parseEvents(
      `${one}\n{"type":"x","subject":"m-1","at":"2026-09-28T10:00:00+08:00"}\n`,
      "e.ndjson"
    )
    assertProblems(bad, [
      "line 2.type: an event type is a PascalCase event name, optionally prefixed by its module (e.g. PetitionAccepted or mediation.DisputeSettled)  [schema.pattern]"
    ])
    const broken = SimulationEvent.parseEvents(`${one}\n{not json\n`, "f.ndjson")
    expect(Result.isFailure(broken) && broken.failure.problems[0]).toMatch(/^line 2: not valid JSON/)
  })

  it("refuses a JSON value that is not a list of events", () => {
    assertProblems(SimulationEvent.parseEvents('{"event": []}', "g.json"), [
      "expected a JSON array of events, an object { events: [...] }, or NDJSON (one event per line)"
    ])
  })
})

const assertProblems = (
  result: Result.Result<unknown, SimulationEvent.SimulationEventsInvalid>,
  problems: ReadonlyArray<string>
): void => {
  expect(Result.isFailure(result)).toBe(true)
  if (Result.isFailure(result)) expect(result.failure.problems).toEqual(problems)
}

describe("PolicyOverlay: a draft policy tried against a model", () => {
  const model = hexiModel()

  it("adds deadlines, replaces the escalation table and the policy version", () => {
    const draft = Result.getOrThrow(
      PolicyOverlay.apply(
        model,
        `version: "2026.2-draft"
responsibility:
  deadlines:
    - id: grid.resolve
      title: Resolve the matter at the grid, in one working day
      module: petition
      opensOn: MatterReported
      fulfilledBy: [MatterResolved]
      owner: holder
      within: { amount: 1, unit: working-days }
      source: { law: draft }
  escalation:
    hitPolicy: collect
    rules:
      - { id: report-overdue, when: { overdue: true }, actions: [{ do: notify, roles: [supervisor] }] }
`,
        "draft.yaml"
      )
    )
    expect(draft.version).toBe("2026.2-draft")
    expect(ResponsibilityModule.deadlinesOf(draft).map((d) => [d.id, d.within.amount])).toEqual([
      ["grid.resolve", 1],
      ["escalated.resolve", 3]
    ])
    const escalation = Option.getOrThrow(ResponsibilityModule.escalationOf(draft))
    expect(escalation.rules.map((r) => r.id)).toEqual(["report-overdue"])
    // The model itself is unchanged.
    expect(model.version).toBe("2026.1")
    expect(ResponsibilityModule.deadlinesOf(model)[0]?.within.amount).toBe(2)

    const events = Result.getOrThrow(
      SimulationEvent.decodeEvents(
        [
          { type: "MatterReported", subject: "m", at: "2026-09-28T10:00:00+08:00", unit: "hexi.town.liushu.g1.station" }
        ],
        "inline"
      )
    )
    const run = Simulation.simulate(draft, events, t("2026-10-01T00:00:00+08:00"))
    expect(
      run.timeline.filter((e) => e.kind !== "event" && e.kind !== "holder").map((e) => [e.kind, e.explanation])
    ).toEqual([
      [
        "opened",
        'hexi.town.liushu.g1.station owes "Resolve the matter at the grid, in one working day" within 1 working-days, due 2026-09-29 17:30 (policy 2026.2-draft; draft)'
      ],
      ["overdue", "grid.resolve overdue: due 2026-09-29 17:30 passed, owed by hexi.town.liushu.g1.station"],
      [
        "escalated",
        `rule report-overdue (policy 2026.2-draft, hit policy collect): obligation ${run.obligations[0]?.id} (grid.resolve) overdue since 2026-09-29 17:30 → notify supervisor`
      ],
      ["notified", "notify supervisor: He Ping 何平 (hexi.zzzx)"]
    ])
  })

  it("reports the overlay's problems with its file, line, path and rule", () => {
    // An escalation rule that names a role the model does not have.
    const mayorLeader = `responsibility:
  escalation:
    hitPolicy: first
    rules:
      - { id: x, when: { overdue: true }, actions: [{ do: assign-leader, role: mayor }] }
`
    const result = PolicyOverlay.apply(
      model,
      `${mayorLeader}  deadline: []
`,
      "bad.yaml"
    )
    expect(Result.isFailure(result) && result.failure.problems.map((p) => p.render())).toEqual([
      'bad.yaml:6:3  responsibility.deadline  unknown field "deadline"; expected one of: deadlines, escalation  [schema.unknown-key]'
    ])
    const cross = PolicyOverlay.apply(model, mayorLeader, "bad.yaml")
    expect(Result.isFailure(cross) && cross.failure.problems.map((p) => p.render())).toEqual([
      'bad.yaml:5:74  responsibility.escalation.rules[0].actions[0].role  "mayor" is not a role of this model (roles: grid-worker, case-handler, leader, supervisor)  [escalation.unknown-role]'
    ])
  })
})

describe("Timeline: local instants", () => {
  it("formats instants in the locality's zone, across daylight-saving changes and odd offsets", () => {
    const cases: ReadonlyArray<readonly [string, string, string]> = [
      ["2026-10-23T09:30:00Z", "Asia/Shanghai", "2026-10-23T17:30:00+08:00"],
      // New York springs forward at 02:00 local on Sun 8 March 2026.
      ["2026-03-08T06:59:00Z", "America/New_York", "2026-03-08T01:59:00-05:00"],
      ["2026-03-08T07:00:00Z", "America/New_York", "2026-03-08T03:00:00-04:00"],
      // …and falls back at 02:00 local on Sun 1 November 2026: 01:30 happens twice.
      ["2026-11-01T05:30:00Z", "America/New_York", "2026-11-01T01:30:00-04:00"],
      ["2026-11-01T06:30:00Z", "America/New_York", "2026-11-01T01:30:00-05:00"],
      ["2026-06-30T23:59:59Z", "Asia/Kathmandu", "2026-07-01T05:44:59+05:45"],
      ["2026-01-01T00:00:00Z", "UTC", "2026-01-01T00:00:00+00:00"]
    ]
    for (const [utc, zone, local] of cases) {
      expect(Timeline.isoLocal(Date.parse(utc), zone)).toBe(local)
      expect(Date.parse(local)).toBe(Date.parse(utc))
    }
    expect(Timeline.shortLocal(Date.parse("2026-10-23T09:30:05Z"), "Asia/Shanghai")).toBe("2026-10-23 17:30:05")
  })

  it("writes durations in working hours or in days, hours and minutes", () => {
    expect(Timeline.formatDuration(8.5 * Instant.HOUR, "working")).toBe("8.5 working hours")
    expect(Timeline.formatDuration(2 * Instant.DAY + 12 * Instant.HOUR, "elapsed")).toBe("2 d 12 h")
    expect(Timeline.formatDuration(45 * Instant.MINUTE, "elapsed")).toBe("45 min")
    expect(Timeline.formatDuration(0, "elapsed")).toBe("0 min")
  })
})
