import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { BusinessCalendar, CnMainland, Ids, Instant, Obligation, ObligationPolicy, ObligationRule } from "../src"
import { DeciderSpec } from "../src/testing"

// Instants are written by hand in Beijing time (+08:00), the locality's zone.
const t = Instant.unsafeFromIso
const HOUR = Instant.HOUR

// Whole working days (no working hours): the cn-mainland base as shipped.
const wholeDays = BusinessCalendar.make(CnMainland.spec)
// A county's office hours: 08:30–12:00 and 14:00–17:30, 7 working hours a day.
const officeHours = BusinessCalendar.make({
  timeZone: "Asia/Shanghai",
  base: "cn-mainland",
  workingHours: [
    { start: "08:30", end: "12:00" },
    { start: "14:00", end: "17:30" }
  ]
})

const rule = (input: Record<string, unknown>): ObligationRule.ObligationRule =>
  Schema.decodeUnknownSync(ObligationRule.ObligationRule)({
    module: "petition",
    owner: "holder",
    source: { law: "信访工作条例 (2022)", article: "32" },
    ...input
  })

const handle = rule({
  id: "petition.handle",
  title: "Handle the accepted matter (办结)",
  opensOn: "PetitionAccepted",
  fulfilledBy: ["PetitionReplied"],
  cancelledBy: ["PetitionWithdrawn"],
  within: { amount: 60, unit: "calendar-days" },
  extension: { max: 1, amount: 30, unit: "calendar-days", requiresApproval: true }
})

const complaint = rule({
  id: "hotline.complaint",
  title: "Resolve a complaint (投诉类工单)",
  opensOn: "PetitionRouted",
  fulfilledBy: ["PetitionReplied"],
  within: { amount: 15, unit: "working-days" },
  warnAt: [0.5, 0.8],
  pauses: [{ on: "HearingScheduled", resumeOn: "HearingHeld", reason: "hearing" }]
})

const id = Obligation.ObligationId.make("019a6f40-0000-7000-8000-0000000000a1")
const subject = Obligation.SubjectId.make("petition-7")
const unit = Ids.UnitCode.make("lanxi.dongshan.zzzx")
const handler = Ids.ActorId.make("019a6f40-0000-7000-8000-000000000003")
const leader = Ids.ActorId.make("019a6f40-0000-7000-8000-000000000002")
const owner: Obligation.Owner = { unit, actor: handler }

const open = (r: ObligationRule.ObligationRule, at: Instant.Instant, version = "2026.1"): Obligation.Open => ({
  _tag: "Open",
  obligationId: id,
  subject,
  owner,
  terms: ObligationPolicy.termsOf(r, version),
  at
})

/** What `open(r, at)` decides when the calendar puts the due time at `due` and the warnings at `warnings`. */
const openedEvent = (
  r: ObligationRule.ObligationRule,
  at: Instant.Instant,
  due: Instant.Instant,
  warnings: ReadonlyArray<Obligation.PlannedWarning> = []
): Obligation.ObligationOpened => ({
  _tag: "ObligationOpened",
  obligationId: id,
  subject,
  owner,
  terms: ObligationPolicy.termsOf(r, "2026.1"),
  at,
  due,
  provisional: false,
  warnings
})

describe("Obligation: a 60-day handling limit with one 30-day extension (信访工作条例 art. 32)", () => {
  const spec = DeciderSpec.given(Obligation.decider(wholeDays))
  const openedAt = t("2026-06-01T09:00:00+08:00")
  // 60 days after Mon 1 June (that day not counted) is Fri 31 July; due at its end.
  const due = t("2026-08-01T00:00:00+08:00")
  const opened = openedEvent(handle, openedAt, due)
  const approval: Obligation.Approval = {
    approver: leader,
    reasonCode: "complex-facts",
    decidedAt: t("2026-07-20T09:30:00+08:00")
  }
  // 30 more days after 31 July: Sun 30 August, due at its end.
  const extended: Obligation.ObligationExtended = {
    _tag: "ObligationExtended",
    obligationId: id,
    at: t("2026-07-20T10:00:00+08:00"),
    extension: 1,
    amount: 30,
    unit: "calendar-days",
    previousDue: due,
    due: t("2026-08-31T00:00:00+08:00"),
    provisional: false,
    approval,
    warnings: []
  }

  it("opens with the due time computed on the calendar and the policy version recorded", () => {
    spec([]).when(open(handle, openedAt)).then([opened])
  })

  it("extends once with the approver's decision recorded", () => {
    const decision = spec([opened])
      .when({ _tag: "Extend", at: t("2026-07-20T10:00:00+08:00"), approval })
      .then([extended])
    expect(decision.state).toMatchObject({ status: "open", due: t("2026-08-31T00:00:00+08:00"), extensions: 1 })
  })

  it("refuses a second extension with a typed error", () => {
    spec([opened, extended])
      .when({ _tag: "Extend", at: t("2026-08-10T10:00:00+08:00"), approval })
      .thenError(new Obligation.ExtensionLimitReached({ obligationId: id, rule: handle.id, max: 1 }))
  })

  it("refuses an extension without an approver's decision", () => {
    spec([opened])
      .when({ _tag: "Extend", at: t("2026-07-20T10:00:00+08:00") })
      .thenError(new Obligation.ExtensionNotApproved({ obligationId: id, rule: handle.id }))
  })

  it("refuses an extension approved by the obligation's own owner", () => {
    spec([opened])
      .when({ _tag: "Extend", at: t("2026-07-20T10:00:00+08:00"), approval: { ...approval, approver: handler } })
      .thenError(new Obligation.ExtensionSelfApproved({ obligationId: id, approver: handler }))
  })

  it("refuses an extension longer than the rule allows", () => {
    spec([opened])
      .when({ _tag: "Extend", at: t("2026-07-20T10:00:00+08:00"), amount: 31, approval })
      .thenError(
        new Obligation.ExtensionTooLong({ obligationId: id, requested: 31, allowed: 30, unit: "calendar-days" })
      )
  })

  it("refuses an extension asked for after the deadline", () => {
    spec([opened])
      .when({ _tag: "Extend", at: t("2026-08-01T08:00:00+08:00"), approval })
      .thenError(new Obligation.ExtensionAfterDeadline({ obligationId: id, due, at: t("2026-08-01T08:00:00+08:00") }))
  })

  it("refuses an extension when the rule allows none", () => {
    const noExtension = { ...opened, terms: ObligationPolicy.termsOf(complaint, "2026.1") }
    spec([noExtension])
      .when({ _tag: "Extend", at: t("2026-06-02T10:00:00+08:00"), approval })
      .thenError(new Obligation.ExtensionNotAllowed({ obligationId: id, rule: complaint.id }))
  })

  it("is fulfilled on time within the extended deadline", () => {
    spec([opened, extended])
      .when({ _tag: "Fulfil", at: t("2026-08-20T15:00:00+08:00") })
      .then([
        {
          _tag: "ObligationFulfilled",
          obligationId: id,
          at: t("2026-08-20T15:00:00+08:00"),
          due: t("2026-08-31T00:00:00+08:00"),
          onTime: true,
          lateBy: 0
        }
      ])
  })

  it("becomes overdue at its due time, then is fulfilled late by the elapsed time", () => {
    const overdue: Obligation.ObligationOverdue = { _tag: "ObligationOverdue", obligationId: id, at: due, due }
    spec([opened])
      .when({ _tag: "Tick", at: t("2026-07-31T23:59:00+08:00") })
      .then([])
    const decision = spec([opened]).when({ _tag: "Tick", at: due }).then([overdue])
    expect(decision.state).toMatchObject({ status: "overdue", overdueAt: due })
    const late = spec([opened, overdue])
      .when({ _tag: "Fulfil", at: t("2026-08-03T12:00:00+08:00") })
      .then([
        {
          _tag: "ObligationFulfilled",
          obligationId: id,
          at: t("2026-08-03T12:00:00+08:00"),
          due,
          onTime: false,
          lateBy: 2 * 24 * HOUR + 12 * HOUR
        }
      ])
    expect(late.state).toMatchObject({ status: "fulfilled-late", lateBy: 60 * HOUR })
  })

  it("is cancelled with a reason; cancelling again changes nothing; fulfilling it then is refused", () => {
    const cancelled: Obligation.ObligationCancelled = {
      _tag: "ObligationCancelled",
      obligationId: id,
      at: t("2026-06-15T10:00:00+08:00"),
      reason: "withdrawn",
      due,
      overdue: false,
      lateBy: 0
    }
    const decision = spec([opened])
      .when({ _tag: "Cancel", at: t("2026-06-15T10:00:00+08:00"), reason: "withdrawn" })
      .then([cancelled])
    expect(decision.state).toMatchObject({ status: "cancelled" })
    spec([opened, cancelled])
      .when({ _tag: "Cancel", at: t("2026-06-16T10:00:00+08:00"), reason: "withdrawn" })
      .then([])
    spec([opened, cancelled])
      .when({ _tag: "Fulfil", at: t("2026-06-16T10:00:00+08:00") })
      .thenError(new Obligation.ObligationClosed({ obligationId: id, status: "cancelled", command: "Fulfil" }))
  })

  it("refuses commands for an obligation never opened, and commands dated before its last change", () => {
    spec([])
      .when({ _tag: "Tick", at: openedAt })
      .thenError(new Obligation.ObligationNotOpened({ command: "Tick" }))
    spec([opened])
      .when({ _tag: "Fulfil", at: t("2026-05-31T10:00:00+08:00") })
      .thenError(
        new Obligation.ObligationTimeReversed({ obligationId: id, at: t("2026-05-31T10:00:00+08:00"), last: openedAt })
      )
  })

  it("reassigns to a new owner keeping the due time", () => {
    const to: Obligation.Owner = { unit: Ids.UnitCode.make("lanxi.zzzx"), actor: leader }
    const decision = spec([opened])
      .when({ _tag: "Reassign", at: t("2026-06-10T10:00:00+08:00"), to, reason: "escalated" })
      .then([
        {
          _tag: "ObligationReassigned",
          obligationId: id,
          at: t("2026-06-10T10:00:00+08:00"),
          from: owner,
          to,
          reason: "escalated"
        }
      ])
    expect(decision.state).toMatchObject({ owner: to, due })
  })
})

describe("Obligation: 15 working days across National Day 2026 (Oct 1–7 off, Sat Oct 10 worked)", () => {
  const spec = DeciderSpec.given(Obligation.decider(officeHours))
  const openedAt = t("2026-09-28T10:00:00+08:00")
  // Working days after Mon 28 Sep: 29, 30 Sep; (1–7 Oct off); 8, 9, Sat 10 (make-up day), 12–16, 19–23 Oct.
  // The 15th is Fri 23 Oct; due at close of business.
  const due = t("2026-10-23T17:30:00+08:00")
  // Budget: 5.5 h on 28 Sep + 15 × 7 h = 110.5 working hours.
  // 50% = 55.25 h: 5.5 h + 7 full days (29, 30 Sep, 8, 9, 10, 12, 13 Oct) = 54.5 h, then 0.75 h on Wed 14 Oct → 09:15.
  // 80% = 88.4 h: 5.5 h + 11 full days (… 19 Oct) = 82.5 h, then 5.9 h on Tue 20 Oct: 3.5 h morning + 2.4 h → 16:24.
  const warnings = [
    { share: 0.5, at: t("2026-10-14T09:15:00+08:00") },
    { share: 0.8, at: t("2026-10-20T16:24:00+08:00") }
  ]
  const opened = openedEvent(complaint, openedAt, due, warnings)

  it("falls due at the close of the 15th working day, counting the make-up Saturday and skipping the holiday", () => {
    spec([]).when(open(complaint, openedAt)).then([opened])
  })

  it("warns at 50% and 80% of the working time used, then becomes overdue", () => {
    const warned50: Obligation.ObligationWarned = {
      _tag: "ObligationWarned",
      obligationId: id,
      at: t("2026-10-14T09:15:00+08:00"),
      share: 0.5,
      due
    }
    spec([opened])
      .when({ _tag: "Tick", at: t("2026-10-14T09:14:00+08:00") })
      .then([])
    spec([opened])
      .when({ _tag: "Tick", at: t("2026-10-14T09:15:00+08:00") })
      .then([warned50])
    const warned80: Obligation.ObligationWarned = {
      _tag: "ObligationWarned",
      obligationId: id,
      at: t("2026-10-20T16:24:00+08:00"),
      share: 0.8,
      due
    }
    spec([opened, warned50])
      .when({ _tag: "Tick", at: t("2026-10-20T16:24:00+08:00") })
      .then([warned80])
    const decision = spec([opened, warned50, warned80])
      .when({ _tag: "Tick", at: due })
      .then([{ _tag: "ObligationOverdue", obligationId: id, at: due, due }])
    expect(Obligation.nextDueAt(decision.state)).toBeUndefined()
  })

  it("is fulfilled late by the working time past the due time (the weekend does not count)", () => {
    // Due Fri 23 Oct 17:30; replied Mon 26 Oct 10:00: 1.5 working hours late.
    spec([opened])
      .when({ _tag: "Fulfil", at: t("2026-10-26T10:00:00+08:00") })
      .then([
        {
          _tag: "ObligationFulfilled",
          obligationId: id,
          at: t("2026-10-26T10:00:00+08:00"),
          due,
          onTime: false,
          lateBy: 1.5 * HOUR
        }
      ])
  })
})

describe("Obligation: a pause for a hearing", () => {
  const spec = DeciderSpec.given(Obligation.decider(officeHours))
  const openedAt = t("2026-11-02T09:00:00+08:00")
  // 15 working days after Mon 2 Nov: 3–6, 9–13, 16–20, 23 Nov → due Mon 23 Nov 17:30.
  const due = t("2026-11-23T17:30:00+08:00")
  // Budget 6.5 h on 2 Nov + 105 h = 111.5 h.
  // 50% = 55.75 h: 6.5 h + 7 days (3–6, 9–11 Nov) = 55.5 h, +0.25 h on Thu 12 Nov → 08:45.
  // 80% = 89.2 h: 6.5 h + 11 days (… 17 Nov) = 83.5 h, +5.7 h on Wed 18 Nov: 3.5 h + 2.2 h → 16:12.
  const opened = openedEvent(complaint, openedAt, due, [
    { share: 0.5, at: t("2026-11-12T08:45:00+08:00") },
    { share: 0.8, at: t("2026-11-18T16:12:00+08:00") }
  ])
  const paused: Obligation.ObligationPaused = {
    _tag: "ObligationPaused",
    obligationId: id,
    at: t("2026-11-04T15:00:00+08:00"),
    reason: "hearing"
  }

  it("opens", () => {
    spec([]).when(open(complaint, openedAt)).then([opened])
  })

  it("pauses with its reason; time does not run while paused", () => {
    const decision = spec([opened])
      .when({ _tag: "Pause", at: t("2026-11-04T15:00:00+08:00"), reason: "hearing" })
      .then([paused])
    expect(decision.state).toMatchObject({ status: "paused", pauseReason: "hearing" })
    spec([opened, paused])
      .when({ _tag: "Tick", at: t("2026-12-01T09:00:00+08:00") })
      .then([])
    expect(Obligation.nextDueAt(decision.state)).toBeUndefined()
  })

  it("resumes with the due time moved by exactly the paused working time", () => {
    // Paused Wed 4 Nov 15:00 → Fri 6 Nov 10:00: 2.5 h + 7 h + 1.5 h = 11 working hours.
    // Due Mon 23 Nov 17:30 + 11 h: all of Tue 24 Nov (7 h), then 4 h of Wed 25 Nov → 14:30.
    const decision = spec([opened, paused])
      .when({ _tag: "Resume", at: t("2026-11-06T10:00:00+08:00") })
      .then([
        {
          _tag: "ObligationResumed",
          obligationId: id,
          at: t("2026-11-06T10:00:00+08:00"),
          pausedFor: 11 * HOUR,
          previousDue: due,
          due: t("2026-11-25T14:30:00+08:00"),
          provisional: false,
          // Both warnings move by the same 11 working hours:
          // 12 Nov 08:45 + 11 h = 6.75 h left on 12 Nov, 4.25 h on Fri 13 Nov → 14:45;
          // 18 Nov 16:12 + 11 h = 1.3 h left on 18 Nov, 7 h on 19 Nov, 2.7 h on Fri 20 Nov → 11:12.
          warnings: [
            { share: 0.5, at: t("2026-11-13T14:45:00+08:00") },
            { share: 0.8, at: t("2026-11-20T11:12:00+08:00") }
          ]
        }
      ])
    expect(decision.state).toMatchObject({ status: "open", pausedTotal: 11 * HOUR })
  })

  it("refuses to pause twice, to resume while running, and to pause once overdue", () => {
    spec([opened, paused])
      .when({ _tag: "Pause", at: t("2026-11-05T09:00:00+08:00"), reason: "hearing" })
      .thenError(new Obligation.ObligationStateConflict({ obligationId: id, status: "paused", command: "Pause" }))
    spec([opened])
      .when({ _tag: "Resume", at: t("2026-11-05T09:00:00+08:00") })
      .thenError(new Obligation.ObligationStateConflict({ obligationId: id, status: "open", command: "Resume" }))
    spec([opened])
      .when({ _tag: "Pause", at: t("2026-11-24T09:00:00+08:00"), reason: "hearing" })
      .thenError(new Obligation.ObligationStateConflict({ obligationId: id, status: "overdue", command: "Pause" }))
  })

  it("counts a fulfilment during the pause as on time", () => {
    spec([opened, paused])
      .when({ _tag: "Fulfil", at: t("2026-11-30T09:00:00+08:00") })
      .then([
        {
          _tag: "ObligationFulfilled",
          obligationId: id,
          at: t("2026-11-30T09:00:00+08:00"),
          // The due time runs on with the pause: the 93.5 working hours left at 4 Nov 15:00
          // count from 30 Nov 09:00: 6.5 h that day, 12 days (1–4, 7–11, 14–16 Dec), 3 h on 17 Dec.
          due: t("2026-12-17T11:30:00+08:00"),
          onTime: true,
          lateBy: 0
        }
      ])
  })
})

describe("ObligationPolicy: events open and close obligations as the rules declare", () => {
  const v1 = ObligationPolicy.make({ policyVersion: "2026.1", rules: [handle, complaint], calendar: wholeDays })
  // Version 2 shortens the handling limit to 30 days.
  const handleV2 = rule({
    id: "petition.handle",
    title: "Handle the accepted matter (办结)",
    opensOn: "PetitionAccepted",
    fulfilledBy: ["PetitionReplied"],
    within: { amount: 30, unit: "calendar-days" }
  })
  const v2 = ObligationPolicy.make({ policyVersion: "2026.2", rules: [handleV2, complaint], calendar: wholeDays })

  const event = (type: string, at: string, extra: Partial<ObligationPolicy.DomainEvent> = {}) =>
    Schema.decodeUnknownSync(ObligationPolicy.DomainEvent)({
      type,
      subject: "petition-7",
      at: Date.parse(at),
      ...extra
    })

  const runAll = (
    policy: ObligationPolicy.ObligationPolicy,
    states: Map<string, Obligation.State>,
    planned: ReadonlyArray<ObligationPolicy.Planned>
  ): Array<Obligation.ObligationEvent> => {
    const out: Array<Obligation.ObligationEvent> = []
    for (const { obligationId, command } of planned) {
      const before = states.get(obligationId) ?? Obligation.initialState
      const decided = Result.getOrThrow(policy.decider.decide(command, before))
      let state = before
      for (const e of decided) state = policy.decider.evolve(state, e)
      states.set(obligationId, state)
      out.push(...decided)
    }
    return out
  }

  it("keeps the due time and version of an obligation opened before a policy change", () => {
    const states = new Map<string, Obligation.State>()
    const accepted = event("PetitionAccepted", "2026-06-01T09:00:00+08:00", { unit })
    const opened = runAll(v1, states, Result.getOrThrow(v1.plan(accepted, { obligations: [] })))
    expect(opened).toHaveLength(1)
    const first = opened[0] as Obligation.ObligationOpened
    expect(first).toMatchObject({
      _tag: "ObligationOpened",
      subject: "petition-7",
      owner: { unit },
      due: t("2026-08-01T00:00:00+08:00"),
      cause: { type: "PetitionAccepted" }
    })
    expect(first.terms).toMatchObject({ rule: "petition.handle", policyVersion: "2026.1", within: { amount: 60 } })

    // The policy changes; the reply comes on day 45: late under version 2, on time under version 1, which it keeps.
    const replied = event("PetitionReplied", "2026-07-16T10:00:00+08:00")
    const closed = runAll(v2, states, Result.getOrThrow(v2.plan(replied, { obligations: [...states.values()] })))
    expect(closed).toEqual([
      {
        _tag: "ObligationFulfilled",
        obligationId: first.obligationId,
        at: t("2026-07-16T10:00:00+08:00"),
        due: t("2026-08-01T00:00:00+08:00"),
        onTime: true,
        lateBy: 0,
        cause: { type: "PetitionReplied" }
      }
    ])

    // A matter accepted after the change is held to version 2.
    const other = Schema.decodeUnknownSync(ObligationPolicy.DomainEvent)({
      type: "PetitionAccepted",
      subject: "petition-8",
      at: t("2026-07-16T10:00:00+08:00"),
      unit
    })
    const [openedV2] = runAll(v2, states, Result.getOrThrow(v2.plan(other, { obligations: [] })))
    expect(openedV2).toMatchObject({
      _tag: "ObligationOpened",
      due: t("2026-08-16T00:00:00+08:00"),
      terms: { policyVersion: "2026.2", within: { amount: 30 } }
    })
  })

  it("pauses and resumes on the events the rule names, and derives stable ids", () => {
    const states = new Map<string, Obligation.State>()
    const routed = event("PetitionRouted", "2026-11-02T09:00:00+08:00", {
      unit,
      id: Ids.EventId.make("019a6f40-0000-7000-8000-0000000000e1")
    })
    const planned = Result.getOrThrow(v1.plan(routed, { obligations: [] }))
    expect(planned.map((p) => p.obligationId)).toEqual(
      Result.getOrThrow(v1.plan(routed, { obligations: [] })).map((p) => p.obligationId)
    )
    runAll(v1, states, planned)
    const hearing = event("HearingScheduled", "2026-11-04T15:00:00+08:00")
    const pausedEvents = runAll(v1, states, Result.getOrThrow(v1.plan(hearing, { obligations: [...states.values()] })))
    expect(pausedEvents).toMatchObject([{ _tag: "ObligationPaused", reason: "hearing" }])
    const held = event("HearingHeld", "2026-11-06T10:00:00+08:00")
    const resumed = runAll(v1, states, Result.getOrThrow(v1.plan(held, { obligations: [...states.values()] })))
    expect(resumed).toMatchObject([{ _tag: "ObligationResumed" }])
    // Opening the same rule again while it runs changes nothing.
    expect(Result.getOrThrow(v1.plan(routed, { obligations: [...states.values()] }))).toEqual([])
  })

  it("fails with OwnerUnknown when nobody holds the matter", () => {
    const result = v1.plan(event("PetitionAccepted", "2026-06-01T09:00:00+08:00"), { obligations: [] })
    expect(Result.isFailure(result) && result.failure._tag).toBe("OwnerUnknown")
  })
})
