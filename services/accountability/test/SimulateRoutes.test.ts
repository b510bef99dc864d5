import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { Instant, Simulation, SimulationEvent, Timeline } from "@gridwork/core"
import { Result } from "effect"
import {
  type Caller,
  exampleText,
  type Fixture,
  json,
  lanxiModel,
  leader,
  makeFixture,
  type ProblemBody
} from "./support/Fixture"

interface SimulateBody {
  readonly policyVersion: string
  readonly timeline: ReadonlyArray<{ readonly at: string; readonly kind: string; readonly rule?: string }>
  readonly records: number
  readonly truncated: boolean
}

const events = JSON.parse(exampleText("events/lanxi-petition-climbs.json")) as ReadonlyArray<unknown>
const policy = exampleText("policies/lanxi-escalation-draft.yaml")
const until = "2026-12-31T00:00:00+08:00"

describe("POST /v1/simulate", () => {
  let fixture: Fixture
  beforeEach(async () => {
    // The service runs the model without escalation rules: the draft is tried by simulation only.
    fixture = await makeFixture({ withEscalation: false })
  })
  afterEach(async () => {
    await fixture.dispose()
  })

  it("tries a policy draft against a history: the escalations it would cause, and nothing recorded", async () => {
    const plain = await json<SimulateBody>(await fixture.post("/v1/simulate", { events, until }, leader))
    expect(plain.policyVersion).toBe("2026.1")
    expect(plain.timeline.filter((e) => e.kind === "escalated")).toEqual([])

    const draft = await json<SimulateBody>(await fixture.post("/v1/simulate", { events, until, policy }, leader))
    expect(draft.policyVersion).toBe("2026.1+escalation-draft")
    // Exactly what the engine predicts for the draft (the same run `gridwork simulate` shows).
    const history = Result.getOrThrow(SimulationEvent.decodeEvents(events, "events"))
    const expected = Simulation.simulate(lanxiModel(true), history, Instant.unsafeFromIso(until))
    expect(draft.timeline).toEqual(JSON.parse(JSON.stringify(Timeline.toJson(expected.timeline, expected.timeZone))))
    expect(draft.timeline.filter((e) => e.kind === "escalated").map((e) => e.rule)).toEqual([
      "party-asks-village",
      "high-risk-leader",
      "overdue-climbs"
    ])
    expect(draft.timeline[0]).toMatchObject({ at: "2026-09-28T09:30:00+08:00", kind: "event" })
    expect(draft.truncated).toBe(false)

    // Pure: the service recorded nothing.
    const obligations = await json<{ obligations: ReadonlyArray<unknown> }>(
      await fixture.get("/v1/obligations", leader)
    )
    expect(obligations.obligations).toEqual([])
    expect(await json(await fixture.get("/v1/ledger/head", leader))).toMatchObject({ size: 0 })
  })

  it("renders the timeline as text with Accept: text/plain", async () => {
    const response = await fixture.post("/v1/simulate", { events, until, policy }, leader, { accept: "text/plain" })
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8")
    const text = await response.text()
    expect(text).toContain("lanxi-2026-0917")
    expect(text).toContain("escalated")
  })

  it("names the broken rule of a bad event, model or policy", async () => {
    const badEvent = await fixture.post(
      "/v1/simulate",
      { events: [{ type: "PetitionReceived", subject: "x", at: "yesterday" }] },
      leader
    )
    expect(badEvent.status).toBe(422)
    expect((await json<ProblemBody>(badEvent)).errors?.[0]).toMatchObject({ path: "/events/0/at" })

    const badPolicy = await fixture.post(
      "/v1/simulate",
      { events, policy: "responsibility:\n  escalation:\n    rules: []\n" },
      leader
    )
    expect(badPolicy.status).toBe(422)
    const problem = await json<ProblemBody>(badPolicy)
    expect(problem.errors?.[0]?.path).toMatch(/^\/policy\/responsibility\/escalation/)

    const badModel = await fixture.post("/v1/simulate", { events, model: "version: 1\n" }, leader)
    expect(badModel.status).toBe(422)
    expect((await json<ProblemBody>(badModel)).errors?.every((e) => e.path.startsWith("/model"))).toBe(true)
  })

  it("needs responsibility.simulate", async () => {
    const handler: Caller = { roles: ["case-handler"], jurisdictions: ["lanxi"] }
    expect((await fixture.post("/v1/simulate", { events }, handler)).status).toBe(403)
  })
})
