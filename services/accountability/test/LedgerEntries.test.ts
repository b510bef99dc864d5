import { describe, expect, it } from "@effect/vitest"
import { Decider, Ids, Instant, Ledger, LedgerEntry, MatterDecider, Obligation, SimulationEvent } from "@gridwork/core"
import { Result } from "effect"
import { LedgerEntries } from "../src/index"
import { actors, lanxiModel, units } from "./support/Fixture"

const decider = MatterDecider.make(lanxiModel(true))
const subject = Obligation.SubjectId.make("lanxi-2026-0917")
const causedBy = Ids.EventId.make("019a6f40-0000-7000-8000-000000000101")

const event = (json: Record<string, unknown>) =>
  Result.getOrThrow(SimulationEvent.decodeEvents([{ subject, ...json }], "events"))[0]!

const summary = (entries: ReadonlyArray<LedgerEntry.LedgerEntry>) =>
  entries.map((entry) =>
    entry._tag === "HolderChanged"
      ? `holder:${entry.change}:${entry.to.unit}${entry.to.actor === undefined ? "" : `/${entry.to.actor}`}:${entry.ruleId}${entry.obligationId === undefined ? "" : ":obligation"}`
      : `${entry.outcome}:${entry.ruleId}`
  )

describe("LedgerEntries", () => {
  it("records changes of holder (of the matter and of each obligation) and obligation outcomes, with the rule", () => {
    const received = Result.getOrThrow(
      Decider.run(decider, [], {
        _tag: "Observe",
        event: event({ type: "PetitionReceived", at: "2026-09-28T09:30:00+08:00", unit: units.village })
      })
    )
    expect(summary(LedgerEntries.of(MatterDecider.initialState, received.events, { causedBy }))).toEqual([
      `holder:received:${units.village}:first-receiver`,
      "opened:petition.register-route"
    ])
    // High risk: a county leader takes charge (包案); the obligation passes to the leader's charge.
    const risk = Result.getOrThrow(
      Decider.decideFrom(decider, received.state, {
        _tag: "Observe",
        event: event({ type: "RiskAssessed", at: "2026-09-29T09:00:00+08:00", riskLevel: "high" })
      })
    )
    const entries = LedgerEntries.of(received.state, risk.events, { causedBy })
    expect(summary(entries)).toEqual([
      `holder:leaderAssigned:${units.village}/${actors.chenJian}:high-risk-leader`,
      `holder:leaderAssigned:${units.village}/${actors.chenJian}:petition.register-route:obligation`
    ])
    expect(entries.every((entry) => entry.causedBy === causedBy)).toBe(true)
  })

  it("keeps a reason given in words only as a hash, salted with the causing event's id", () => {
    const history: Array<MatterDecider.MatterEvent> = []
    for (const json of [
      { type: "PetitionReceived", at: "2026-09-28T09:30:00+08:00", unit: units.village },
      { type: "PetitionRouted", at: "2026-09-29T10:00:00+08:00", unit: units.village },
      { type: "PetitionAccepted", at: "2026-09-30T15:00:00+08:00", unit: units.village }
    ]) {
      history.push(...Result.getOrThrow(Decider.run(decider, history, { _tag: "Observe", event: event(json) })).events)
    }
    const state = Decider.fold(decider, history)
    const handle = [...state.obligations.values()].find(
      (o): o is Obligation.Obligation => o._tag === "Obligation" && o.terms.rule === "petition.handle"
    )!
    const at = Instant.unsafeFromIso("2026-11-02T09:00:00+08:00")
    const reason = "The land bureau must survey the boundary first"
    const extended = Result.getOrThrow(
      Decider.decideFrom(decider, state, {
        _tag: "Act",
        subject,
        obligationId: handle.id,
        command: {
          _tag: "Extend",
          at,
          approval: {
            approver: Ids.ActorId.make(actors.chenJian),
            reasonCode: Ids.Code.make("complex-case"),
            decidedAt: at
          }
        },
        justification: reason
      })
    )
    expect(extended.events.map((e) => e._tag)).toEqual(["ObligationExtended", "JustificationGiven"])
    const entries = LedgerEntries.of(state, extended.events, { causedBy })
    expect(entries).toHaveLength(1)
    const [entry] = entries
    expect(entry).toMatchObject({
      _tag: "ObligationOutcome",
      outcome: "extended",
      ruleId: "petition.handle",
      reasonHash: Ledger.hashReason(reason, causedBy),
      previousDueAt: handle.due
    })
    expect(JSON.stringify(entry)).not.toContain("survey")
    // Every entry passes the ledger's strict schema (no free text, no unknown field).
    expect(Result.isSuccess(LedgerEntry.encodeResult(entry!))).toBe(true)
  })

  it("records nothing for warnings, snapshots and escalation firings themselves", () => {
    const at = Instant.unsafeFromIso("2026-09-28T09:30:00+08:00")
    const warned: MatterDecider.MatterEvent = {
      _tag: "ObligationWarned",
      obligationId: Obligation.ObligationId.make("019a6f40-0000-7000-8000-0000000000aa"),
      at,
      share: 0.6,
      due: at
    }
    expect(LedgerEntries.of(MatterDecider.initialState, [warned], {})).toEqual([])
  })
})
