import { assert, describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { example, fixture, gridwork, lanxi } from "./CliFixtures"

const climbs = example("events", "lanxi-petition-climbs.json")
const draft = example("policies", "lanxi-escalation-draft.yaml")
/** Lanxi's petition that climbs to the county, under the draft escalation policy, until 1 December 2026. */
const climbsUnderDraft = ["simulate", lanxi, climbs, "--policy", draft, "--until", "2026-12-01T00:00:00+08:00"] as const

/** The timeline lines as [time, kind, holder] (the columns before the explanation). */
const columns = (stdout: string) =>
  stdout
    .split("\n")
    .filter((line) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(line))
    .map((line) => line.split(/ {2,}/).slice(0, 4))

describe("gridwork simulate", () => {
  it.effect("prints what fires when: Lanxi's draft escalation policy on a petition that climbs to the county", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork(...climbsUnderDraft)
      expect(exit._tag).toBe("Success")
      expect(stdout.split("\n")[0]).toBe(
        "Simulation of Lanxi County 岚溪县 (lanxi), policy 2026.1+escalation-draft, until 2026-12-01T00:00:00+08:00: 6 events, 1 matter, 31 entries"
      )
      const escalations = columns(stdout).filter(([, , kind]) => kind === "escalated" || kind === "holder")
      expect(escalations).toEqual([
        ["2026-09-28 09:30", "lanxi-2026-0917", "holder", "lanxi.dongshan.qiaotou.cwh"],
        ["2026-10-19 09:00", "lanxi-2026-0917", "escalated", "lanxi.dongshan.qiaotou.cwh"],
        ["2026-10-19 09:00", "lanxi-2026-0917", "holder", "lanxi.dongshan.zzzx"],
        ["2026-10-26 14:00", "lanxi-2026-0917", "escalated", "lanxi.dongshan.zzzx"],
        ["2026-11-02 17:30", "lanxi-2026-0917", "escalated", "lanxi.dongshan.zzzx"],
        ["2026-11-02 17:30", "lanxi-2026-0917", "holder", "lanxi.zzzx"]
      ])
      expect(stdout).toContain(
        "rule party-asks-village (policy 2026.1+escalation-draft, hit policy first): held at tier village; a party asked for escalation at 2026-10-19 09:00 → move to the next tier, open obligation escalated.handle"
      )
      expect(stdout).toContain("Chen Jian 陈建 (leader, lanxi.xfj) takes personal charge of the matter (包案)")
      expect(stdout).toContain("escalated.handle fulfilled on time (due 2026-11-16 17:30)")
    })
  )

  it.effect("prints JSON with local instants, and the backward tracing of each matter with --report", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork(...climbsUnderDraft, "--report", "--json")
      expect(exit._tag).toBe("Success")
      const parsed = JSON.parse(stdout)
      expect(parsed).toMatchObject({ locality: "lanxi", timeZone: "Asia/Shanghai", until: "2026-12-01T00:00:00+08:00" })
      expect(parsed.timeline[0]).toMatchObject({
        at: "2026-09-28T09:30:00+08:00",
        kind: "event",
        subject: "lanxi-2026-0917"
      })
      expect(parsed.reports[0].holders.map((h: { unit: string; rule: string | null }) => [h.unit, h.rule])).toEqual([
        ["lanxi.dongshan.qiaotou.cwh", null],
        ["lanxi.dongshan.zzzx", "party-asks-village"],
        ["lanxi.zzzx", "overdue-climbs"]
      ])
    })
  )

  it.effect("reads NDJSON and runs to one year after the last event by default", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork("simulate", lanxi, fixture("simulate-hotline.ndjson"), "--report")
      expect(exit._tag).toBe("Success")
      expect(stdout.split("\n")[0]).toContain("until 2027-09-29T10:00:00+08:00")
      // An inquiry: 2 working days after Mon 28 Sep → due Wed 30 Sep 17:30; nobody replies.
      expect(stdout).toContain(
        "hotline.inquiry overdue: due 2026-09-30 17:30 passed, owed by lanxi.dongshan.qiaotou.cwh"
      )
      expect(stdout).toContain("Backward tracing (责任倒查) of p-2")
    })
  )

  it.effect("names every problem of the events file and fails", () =>
    Effect.gen(function* () {
      const { exit, stderr } = yield* gridwork("simulate", lanxi, fixture("simulate-bad-events.json"))
      assert(exit._tag === "Failure")
      expect(stderr.split("\n")).toEqual([
        `${fixture("simulate-bad-events.json")}: 2 problem(s) in the events`,
        '  events[1].assingTo: unknown field "assingTo"; expected one of: id, type, subject, at, unit, actor, category, reason, approval, jurisdiction, assignTo, designated, handBack, riskLevel, parties, repeat, partyRequest  [schema.unknown-key]',
        '  events[1].at: Expected an ISO 8601 date-time with an offset, e.g. 2026-10-01T08:00:00+08:00, got "2026-09-29 10:00"  [schema.check]'
      ])
    })
  )

  it.effect("checks a policy overlay against the model and names the file, line and rule", () =>
    Effect.gen(function* () {
      const policy = fixture("simulate-bad-policy.yaml")
      const { exit, stderr } = yield* gridwork("simulate", lanxi, climbs, "--policy", policy)
      assert(exit._tag === "Failure")
      expect(stderr).toContain(`${policy}: 2 problems in the locality model`)
      expect(stderr).toContain(
        `${policy}:7:46  responsibility.escalation.rules[0].when.tiers[1]  "ward" is not a tier of this model (tiers: grid, village, township, county)  [escalation.unknown-tier]`
      )
      expect(stderr).toContain("responsibility.escalation.rules[0].actions[1].rule")
      expect(stderr).toContain("[escalation.unknown-deadline]")
    })
  )

  it.effect("refuses an --until without an offset", () =>
    Effect.gen(function* () {
      const { exit, stderr } = yield* gridwork("simulate", lanxi, climbs, "--until", "2026-11-01")
      assert(exit._tag === "Failure")
      expect(stderr).toContain(
        '--until: expected an ISO 8601 date-time with an offset, e.g. 2026-12-31T00:00:00+08:00, got "2026-11-01"'
      )
    })
  )
})
