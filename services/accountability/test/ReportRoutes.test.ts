import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import {
  type Caller,
  cloudEvent,
  type Fixture,
  integration,
  json,
  leader,
  makeFixture,
  type ProblemBody,
  units
} from "./support/Fixture"

const subject = "lanxi-2026-0917"
const supervisor: Caller = { roles: ["supervisor"], jurisdictions: ["lanxi"] }

/** A petition received at the village that nobody routes: overdue on 13 October, escalated to the town. */
const escalatedMatter = async (fixture: Fixture) => {
  await fixture.post(
    "/v1/events",
    cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", {
      unit: units.village,
      jurisdiction: "lanxi.dongshan.qiaotou.g1"
    }),
    integration
  )
  await fixture.at("2026-10-14T08:00:00+08:00")
}

interface MatterReportBody {
  readonly subject: string
  readonly holders: ReadonlyArray<{
    readonly unit: string
    readonly change: string
    readonly rule: string | null
    readonly obligations: ReadonlyArray<{
      readonly rule: string
      readonly outcome: string
      readonly lateByHours: number
    }>
  }>
  readonly escalations: ReadonlyArray<{ readonly rule: string; readonly explanation: string }>
}

describe("accountability reports (责任倒查)", () => {
  let fixture: Fixture
  beforeEach(async () => {
    fixture = await makeFixture()
  })
  afterEach(async () => {
    await fixture.dispose()
  })

  it("traces a matter back: who held it when, which deadline was missed and by how much, which rule moved it", async () => {
    await escalatedMatter(fixture)
    const response = await fixture.get(`/v1/subjects/${subject}/accountability`, supervisor)
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toBe("application/json")
    const report = await json<MatterReportBody>(response)
    expect(report.holders.map((h) => [h.unit, h.change, h.rule])).toEqual([
      [units.village, "received", null],
      [units.town, "escalated", "overdue-climbs"]
    ])
    expect(report.holders[0]?.obligations.map((o) => [o.rule, o.outcome])).toEqual([
      ["petition.register-route", "missed"]
    ])
    expect(report.holders[1]?.obligations.map((o) => [o.rule, o.outcome])).toEqual([["escalated.handle", "open"]])
    expect(report.escalations.map((e) => e.rule)).toEqual(["overdue-climbs"])
  })

  it("answers as text with Accept: text/plain", async () => {
    await escalatedMatter(fixture)
    const response = await fixture.get(`/v1/subjects/${subject}/accountability`, supervisor, { accept: "text/plain" })
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    const text = await response.text()
    expect(text).toContain(`Backward tracing (责任倒查) of ${subject}`)
    expect(text).toContain("petition.register-route")
    expect(text).toContain("MISSED")
    expect(text).toContain("escalated by rule overdue-climbs")
    const preferJson = await fixture.get(`/v1/subjects/${subject}/accountability`, supervisor, {
      accept: "application/json, text/plain;q=0.5"
    })
    expect(preferJson.headers.get("content-type")).toBe("application/json")
  })

  it("gives a unit's record over a period", async () => {
    await escalatedMatter(fixture)
    const response = await fixture.get(
      `/v1/units/${units.village}/accountability?from=2026-09-01T00:00:00%2B08:00&to=2026-10-31T00:00:00%2B08:00`,
      supervisor
    )
    const record = await json<Record<string, unknown>>(response)
    expect(record).toMatchObject({ unit: units.village, judged: 1, missed: 1, onTime: 0, escalatedAway: 1 })
    const text = await fixture.get(`/v1/units/${units.town}/accountability`, supervisor, { accept: "text/plain" })
    expect(await text.text()).toContain("escalations received:   1")
    const empty = await fixture.get(
      `/v1/units/${units.village}/accountability?from=2026-10-31T00:00:00%2B08:00&to=2026-10-01T00:00:00%2B08:00`,
      supervisor
    )
    expect(empty.status).toBe(400)
    expect((await json<ProblemBody>(empty)).errors?.[0]).toMatchObject({ path: "/from", rule: "period.order" })
  })

  it("404 for an unknown matter or unit, 403 outside the caller's scope or without view-ledger", async () => {
    await escalatedMatter(fixture)
    expect((await fixture.get("/v1/subjects/nothing-here/accountability", supervisor)).status).toBe(404)
    expect((await fixture.get("/v1/units/lanxi.nowhere/accountability", supervisor)).status).toBe(404)
    const elsewhere: Caller = { roles: ["supervisor"], jurisdictions: ["lanxi.xiqiao"] }
    expect((await fixture.get(`/v1/subjects/${subject}/accountability`, elsewhere)).status).toBe(403)
    expect((await fixture.get(`/v1/units/${units.village}/accountability`, elsewhere)).status).toBe(403)
    const handler: Caller = { roles: ["case-handler"], jurisdictions: ["lanxi"] }
    expect((await fixture.get(`/v1/subjects/${subject}/accountability`, handler)).status).toBe(403)
    expect((await fixture.get(`/v1/subjects/${subject}/accountability`, leader)).status).toBe(200)
  })
})
