import { describe, expect, it } from "@effect/vitest"
import {
  AccountabilityReport,
  DeadlineScheduler,
  EventStore,
  Instant,
  type LedgerEntry,
  LedgerStore,
  Outbox,
  Simulation,
  SimulationEvent
} from "@gridwork/core"
import { Effect, Option, Result } from "effect"
import { Matters } from "../src/index"
import * as MatterStream from "../src/MatterStream"
import { cloudEvent, integration, json, leader, makeFixture, type ObligationBody, units } from "./support/Fixture"

const subject = "lanxi-2026-0917"
const received = cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", {
  unit: units.village,
  jurisdiction: "lanxi.dongshan.qiaotou.g1",
  category: "land.boundary",
  parties: 2
})

describe("deadlines driven by the clock", () => {
  it("warns, marks overdue at the due time, escalates by the rules, and records it all in the ledger", async () => {
    const fixture = await makeFixture()
    try {
      expect((await fixture.post("/v1/events", received, integration)).status).toBe(200)
      const opened = await json<{ obligations: ReadonlyArray<ObligationBody> }>(
        await fixture.get(`/v1/obligations?subject=${subject}`, leader)
      )
      expect(opened.obligations.map((o) => [o.rule, o.status, o.owner.unit, o.due])).toEqual([
        // 15 calendar days from 28 Sep; the due day ends when work ends (17:30 in Lanxi).
        ["petition.register-route", "open", units.village, "2026-10-13T09:30:00.000Z"]
      ])

      // 60% of the 368 hours are used on 7 October at 14:18: warned by the next morning.
      await fixture.at("2026-10-08T08:00:00+08:00")
      const week = await json<ObligationBody>(await fixture.get(`/v1/obligations/${opened.obligations[0]!.id}`, leader))
      expect(week.status).toBe("open")
      expect(week.warned).toEqual([0.6])

      // The morning after the due day: overdue, escalated to the town's governance center with a new limit.
      await fixture.at("2026-10-14T08:00:00+08:00")
      const after = await json<{ obligations: ReadonlyArray<ObligationBody> }>(
        await fixture.get(`/v1/obligations?subject=${subject}`, leader)
      )
      expect(after.obligations.map((o) => [o.rule, o.status, o.owner.unit])).toEqual([
        ["petition.register-route", "cancelled", units.village],
        ["escalated.handle", "open", units.town]
      ])
      expect(after.obligations[0]!.warned).toEqual([0.6, 0.8])

      // The matter's stream holds the escalation with its explanation, published through the outbox.
      const stream = await fixture.run(
        EventStore.EventStore.use((store) => store.readStream(MatterStream.streamIdOf(subject)))
      )
      const escalation = stream.find((event) => event.type === "EscalationTriggered")
      expect(escalation?.metadata.explanation).toContain("rule overdue-climbs (policy 2026.1+escalation-draft")
      expect(escalation?.metadata.explanation).toContain("move to the next tier")
      expect(escalation?.occurredAt).toBe(Instant.unsafeFromIso("2026-10-13T17:30:00+08:00"))
      const outbox = await fixture.run(Outbox.Outbox.use((o) => o.stats))
      expect(outbox.pending + outbox.sent).toBe(stream.filter((event) => event.type !== "MatterUpdated").length)

      // The ledger: every change of holder and every obligation outcome, hash-chained.
      const records = await fixture.run(LedgerStore.LedgerStore.use((ledger) => ledger.read(1, 100)))
      const entries = records.map((record) => record.entry)
      expect(
        entries.map((entry: LedgerEntry.LedgerEntry) =>
          entry._tag === "HolderChanged"
            ? `holder:${entry.change}:${entry.to.unit}`
            : `${entry.outcome}:${entry.ruleId}`
        )
      ).toEqual([
        `holder:received:${units.village}`,
        "opened:petition.register-route",
        "overdue:petition.register-route",
        `holder:escalated:${units.town}`,
        "cancelled:petition.register-route",
        "opened:escalated.handle"
      ])
      const verified = await json(await fixture.get("/v1/ledger/verify", leader))
      expect(verified).toMatchObject({ valid: true, size: 6 })
    } finally {
      await fixture.dispose()
    }
  })

  it("has one effect per firing: a firing handled again (a crash before it was marked) changes nothing", async () => {
    const fixture = await makeFixture()
    try {
      await fixture.post("/v1/events", received, integration)
      const [obligation] = (
        await json<{ obligations: ReadonlyArray<ObligationBody> }>(
          await fixture.get(`/v1/obligations?subject=${subject}`, leader)
        )
      ).obligations
      const key = DeadlineScheduler.TimerKey.make(obligation!.id)
      const timer = await fixture.run(
        DeadlineScheduler.DeadlineScheduler.use((scheduler) => scheduler.get(key)).pipe(Effect.map(Option.getOrThrow))
      )
      // The 60% warning, handled twice by hand with the same fire token (the driver sleeps until then).
      expect(timer.dueAt).toBe(Instant.unsafeFromIso("2026-10-07T14:18:00+08:00"))
      const fire = Matters.Matters.use((matters) => matters.onDeadline(timer, DeadlineScheduler.fireToken(timer)))
      const streamLength = EventStore.EventStore.use((store) =>
        Effect.map(store.readStream(MatterStream.streamIdOf(subject)), (events) => events.length)
      )
      const before = await fixture.run(streamLength)
      await fixture.run(fire)
      const afterFirst = await fixture.run(streamLength)
      await fixture.run(fire)
      expect(afterFirst).toBe(before + 1)
      expect(await fixture.run(streamLength)).toBe(afterFirst)
      const warned = await json<ObligationBody>(await fixture.get(`/v1/obligations/${obligation!.id}`, leader))
      expect(warned.warned).toEqual([0.6])
    } finally {
      await fixture.dispose()
    }
  })

  it("decides what the simulation of the same history predicts", async () => {
    const fixture = await makeFixture()
    try {
      const events = [
        received,
        cloudEvent("RiskAssessed", subject, "2026-10-26T14:00:00+08:00", { unit: units.town, riskLevel: "high" }),
        cloudEvent("PetitionReplied", subject, "2026-11-12T16:00:00+08:00", { unit: units.county })
      ]
      expect((await fixture.post("/v1/events", events[0], integration)).status).toBe(200)
      await fixture.at("2026-10-26T14:00:00+08:00")
      expect((await fixture.post("/v1/events", events[1], integration)).status).toBe(200)
      await fixture.at("2026-11-12T16:00:00+08:00")
      expect((await fixture.post("/v1/events", events[2], integration)).status).toBe(200)
      const until = Instant.unsafeFromIso("2026-11-20T00:00:00+08:00")
      await fixture.at("2026-11-20T00:00:00+08:00")

      const history = Result.getOrThrow(
        SimulationEvent.decodeEvents(
          events.map((e) => ({ id: e.id, type: e.type.split(".")[2], subject: e.subject, at: e.time, ...e.data })),
          "events"
        )
      )
      const simulated = Simulation.simulate(fixture.model, history, until)
      const context = AccountabilityReport.contextOf(fixture.model, until)
      const expected = AccountabilityReport.matterToJson(
        AccountabilityReport.forMatter(simulated.records, subject, context),
        context
      )
      const served = await json(
        await fixture.get(`/v1/subjects/${subject}/accountability?asOf=2026-11-20T00:00:00%2B08:00`, leader)
      )
      expect(served).toEqual(JSON.parse(JSON.stringify(expected)))
      // The run climbed to the county with a leader in charge (high risk) and ended with a reply.
      expect(simulated.records.filter((r) => r._tag === "EscalationTriggered").length).toBeGreaterThan(1)
    } finally {
      await fixture.dispose()
    }
  })
})
