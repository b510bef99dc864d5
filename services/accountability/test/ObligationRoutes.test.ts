import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { EventStore, Outbox } from "@gridwork/core"
import * as MatterStream from "../src/MatterStream"
import {
  actors,
  type Caller,
  cloudEvent,
  type Fixture,
  integration,
  json,
  leader,
  makeFixture,
  type ObligationBody,
  type ProblemBody,
  units
} from "./support/Fixture"

interface Page {
  readonly obligations: ReadonlyArray<ObligationBody>
  readonly next?: string
}

const handler: Caller = { subject: actors.zhouMin, roles: ["case-handler"], jurisdictions: ["lanxi"] }
const otherTownship: Caller = { subject: actors.chenJian, roles: ["leader"], jurisdictions: ["lanxi.xiqiao"] }

const receive = (fixture: Fixture, subject: string, at = "2026-09-28T09:30:00+08:00") =>
  fixture.post("/v1/events", cloudEvent("PetitionReceived", subject, at, { unit: units.village }), integration)

const obligationsOf = async (fixture: Fixture, subject: string, caller: Caller = leader) =>
  (await json<Page>(await fixture.get(`/v1/obligations?subject=${subject}`, caller))).obligations

describe("obligations over HTTP", () => {
  let fixture: Fixture
  beforeEach(async () => {
    fixture = await makeFixture()
  })
  afterEach(async () => {
    await fixture.dispose()
  })

  it("lists by matter, unit and state, a page at a time", async () => {
    // Obligation ids are UUIDv7 stamped with the opening time: the list is in opening order.
    await receive(fixture, "m-1", "2026-09-28T09:30:00+08:00")
    await receive(fixture, "m-2", "2026-09-28T09:31:00+08:00")
    await receive(fixture, "m-3", "2026-09-28T09:32:00+08:00")
    const first = await json<Page>(
      await fixture.get(`/v1/obligations?unit=${units.village}&state=open&limit=2`, leader)
    )
    expect(first.obligations.map((o) => o.subject)).toEqual(["m-1", "m-2"])
    expect(first.next).toBe(first.obligations[1]?.id)
    const second = await json<Page>(
      await fixture.get(`/v1/obligations?unit=${units.village}&state=open&limit=2&after=${first.next}`, leader)
    )
    expect(second.obligations.map((o) => o.subject)).toEqual(["m-3"])
    expect(second.next).toBeUndefined()
    expect((await json<Page>(await fixture.get("/v1/obligations?state=overdue", leader))).obligations).toEqual([])
    const one = await json<ObligationBody>(await fixture.get(`/v1/obligations/${first.obligations[0]?.id}`, leader))
    expect(one).toEqual(first.obligations[0])
  })

  it("answers bad queries and unknown obligations with problems", async () => {
    const badState = await fixture.get("/v1/obligations?state=late", leader)
    expect(badState.status).toBe(422)
    expect((await json<ProblemBody>(badState)).errors?.[0]).toMatchObject({ in: "query", path: "/state" })
    const badLimit = await fixture.get("/v1/obligations?limit=5000", leader)
    expect((await json<ProblemBody>(badLimit)).errors?.[0]).toMatchObject({ in: "query", path: "/limit" })
    const unknownUnit = await fixture.get("/v1/obligations?unit=lanxi.nowhere", leader)
    expect(unknownUnit.status).toBe(400)
    expect((await json<ProblemBody>(unknownUnit)).errors?.[0]).toMatchObject({ rule: "unit.unknown" })
    const missing = await fixture.get("/v1/obligations/019a6f40-0000-7000-8000-0000000000ff", leader)
    expect(missing.status).toBe(404)
    const notAnId = await fixture.get("/v1/obligations/nope", leader)
    expect((await json<ProblemBody>(notAnId)).errors?.[0]).toMatchObject({ in: "path", path: "/id" })
  })

  it("shows and acts on obligations within the caller's jurisdiction only", async () => {
    await receive(fixture, "m-1")
    const [obligation] = await obligationsOf(fixture, "m-1")
    expect(await obligationsOf(fixture, "m-1", otherTownship)).toEqual([])
    expect((await fixture.get(`/v1/obligations/${obligation?.id}`, otherTownship)).status).toBe(403)
    expect((await fixture.get(`/v1/obligations?unit=${units.village}`, otherTownship)).status).toBe(403)
    const pause = await fixture.post(
      `/v1/obligations/${obligation?.id}/pause`,
      { reason: "hearing" },
      {
        ...otherTownship,
        roles: ["case-handler"]
      }
    )
    expect(pause.status).toBe(403)
    expect((await fixture.get("/v1/obligations", undefined)).status).toBe(401)
    expect((await fixture.get("/v1/obligations", { roles: ["grid-worker"] })).status).toBe(403)
  })

  it("pauses and resumes the clock: the due time moves by the paused time", async () => {
    await receive(fixture, "m-1")
    const [opened] = await obligationsOf(fixture, "m-1")
    await fixture.at("2026-09-29T10:00:00+08:00")
    const paused = await json<ObligationBody>(
      await fixture.post(`/v1/obligations/${opened?.id}/pause`, { reason: "hearing" }, handler)
    )
    expect(paused).toMatchObject({ status: "paused", pausedAt: "2026-09-29T02:00:00.000Z" })
    const twice = await fixture.post(`/v1/obligations/${opened?.id}/pause`, { reason: "hearing" }, handler)
    expect(twice.status).toBe(409)
    await fixture.at("2026-09-30T10:00:00+08:00")
    const resumed = await json<ObligationBody>(await fixture.post(`/v1/obligations/${opened?.id}/resume`, {}, handler))
    expect(resumed.status).toBe("open")
    expect(Date.parse(resumed.due) - Date.parse(opened!.due)).toBe(24 * 3_600_000)
    const badReason = await fixture.post(`/v1/obligations/${opened?.id}/pause`, { reason: "a hearing" }, handler)
    expect((await json<ProblemBody>(badReason)).errors?.[0]).toMatchObject({ path: "/reason" })
  })

  it("extends a deadline once, with an approver's permission and a reason, never one the rule does not allow", async () => {
    await receive(fixture, "m-1")
    await fixture.post(
      "/v1/events",
      cloudEvent("PetitionRouted", "m-1", "2026-09-29T10:00:00+08:00", { unit: units.village }),
      integration
    )
    await fixture.post(
      "/v1/events",
      cloudEvent("PetitionAccepted", "m-1", "2026-09-30T15:00:00+08:00", { unit: units.village }),
      integration
    )
    const handle = (await obligationsOf(fixture, "m-1")).find((o) => o.rule === "petition.handle")!
    await fixture.at("2026-11-02T09:00:00+08:00")
    const body = { reasonCode: "complex-case", reason: "Boundary survey by the land bureau needed first" }

    const notApprover = await fixture.post(`/v1/obligations/${handle.id}/extend`, body, handler)
    expect(notApprover.status).toBe(403)
    expect((await json<ProblemBody>(notApprover)).detail).toContain("responsibility.approve-extension")
    const noActor = await fixture.post(`/v1/obligations/${handle.id}/extend`, body, { ...leader, subject: "chen-jian" })
    expect(noActor.status).toBe(403)
    expect((await json<ProblemBody>(noActor)).detail).toContain("actor id")
    const short = await fixture.post(`/v1/obligations/${handle.id}/extend`, { ...body, reason: "busy" }, leader)
    expect(short.status).toBe(422)
    expect((await json<ProblemBody>(short)).errors?.[0]).toMatchObject({ path: "/reason" })
    const tooLong = await fixture.post(`/v1/obligations/${handle.id}/extend`, { ...body, amount: 31 }, leader)
    expect(tooLong.status).toBe(422)
    expect((await json<ProblemBody>(tooLong)).type).toBe("urn:gridwork:problem:extension-too-long")

    const extended = await json<ObligationBody>(await fixture.post(`/v1/obligations/${handle.id}/extend`, body, leader))
    expect(extended.extensions).toBe(1)
    expect(extended.due).toBe("2026-12-30T09:30:00.000Z")
    // The justification stays in the matter's private stream: nothing published carries it.
    const stream = await fixture.run(
      EventStore.EventStore.use((store) => store.readStream(MatterStream.streamIdOf("m-1")))
    )
    expect(stream.find((event) => event.type === "JustificationGiven")?.data).toMatchObject({ text: body.reason })
    const published = await fixture.run(Outbox.Outbox.use((outbox) => outbox.pending(1000)))
    expect(published.some((message) => message.event.type === "ObligationExtended")).toBe(true)
    expect(JSON.stringify(published)).not.toContain("land bureau")
    const again = await fixture.post(`/v1/obligations/${handle.id}/extend`, body, leader)
    expect(again.status).toBe(409)
    expect((await json<ProblemBody>(again)).type).toBe("urn:gridwork:problem:extension-limit-reached")

    await receive(fixture, "m-2", "2026-11-02T09:00:00+08:00")
    const [registration] = await obligationsOf(fixture, "m-2")
    const notAllowed = await fixture.post(`/v1/obligations/${registration?.id}/extend`, body, leader)
    expect(notAllowed.status).toBe(409)
    expect((await json<ProblemBody>(notAllowed)).detail).toContain("allows no extension")
  })
})
