import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { EventStore } from "@gridwork/core"
import * as MatterStream from "../src/MatterStream"
import {
  cloudEvent,
  type Fixture,
  integration,
  json,
  leader,
  makeFixture,
  newKey,
  type ObligationBody,
  type ProblemBody,
  units
} from "./support/Fixture"

interface IngestBody {
  readonly eventId: string
  readonly subject: string
  readonly duplicate: boolean
  readonly recorded: number
  readonly obligations: ReadonlyArray<ObligationBody>
}

const subject = "lanxi-2026-1001"

describe("POST /v1/events", () => {
  let fixture: Fixture
  beforeEach(async () => {
    fixture = await makeFixture()
  })
  afterEach(async () => {
    await fixture.dispose()
  })

  it("opens, fulfils and opens the obligations of a petition's statutory timeline", async () => {
    const receivedAt = "2026-09-28T09:30:00+08:00"
    const received = await fixture.post(
      "/v1/events",
      cloudEvent("PetitionReceived", subject, receivedAt, { unit: units.village, category: "land.boundary" }),
      integration
    )
    expect(received.status).toBe(200)
    const first = await json<IngestBody>(received)
    expect(first.duplicate).toBe(false)
    expect(first.obligations.map((o) => [o.rule, o.status, o.owner.unit])).toEqual([
      ["petition.register-route", "open", units.village]
    ])

    await fixture.at("2026-09-29T10:00:00+08:00")
    await fixture.post(
      "/v1/events",
      cloudEvent("PetitionRouted", subject, "2026-09-29T10:00:00+08:00", { unit: units.village }),
      integration
    )
    await fixture.at("2026-09-30T15:00:00+08:00")
    const accepted = await json<IngestBody>(
      await fixture.post(
        "/v1/events",
        cloudEvent("PetitionAccepted", subject, "2026-09-30T15:00:00+08:00", { unit: units.village }),
        integration
      )
    )
    expect(accepted.obligations.map((o) => [o.rule, o.status])).toEqual([
      ["petition.register-route", "fulfilled-on-time"],
      ["petition.acceptance-notice", "fulfilled-on-time"],
      ["petition.handle", "open"]
    ])
    // 60 calendar days after 30 September 15:00: 29 November, a Sunday, so the next working day ends it.
    expect(accepted.obligations[2]?.due).toBe("2026-11-30T09:30:00.000Z")
  })

  it("records an event once, by its id, whatever the Idempotency-Key", async () => {
    const body = cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { unit: units.village })
    const first = await json<IngestBody>(await fixture.post("/v1/events", body, integration))
    const again = await json<IngestBody>(await fixture.post("/v1/events", body, integration))
    expect(first).toMatchObject({ duplicate: false, recorded: 3 })
    expect(again).toMatchObject({ duplicate: true, recorded: 0 })
    expect(again.obligations).toEqual(first.obligations)
  })

  it("replays the first answer for a repeated Idempotency-Key and refuses the key for another body", async () => {
    const key = newKey()
    const body = cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { unit: units.village })
    const first = await fixture.post("/v1/events", body, integration, { "idempotency-key": key })
    const replay = await fixture.post("/v1/events", body, integration, { "idempotency-key": key })
    expect(replay.headers.get("idempotent-replayed")).toBe("true")
    expect(await replay.text()).toBe(await first.text())
    const other = await fixture.post("/v1/events", { ...body, subject: "another-matter" }, integration, {
      "idempotency-key": key
    })
    expect(other.status).toBe(422)
    expect(other.headers.get("content-type")).toBe("application/problem+json")
    const missing = await fixture.post("/v1/events", body, integration, { "idempotency-key": "" })
    expect(missing.status).toBe(400)
  })

  it("refuses bad input with problem+json naming the field and the rule", async () => {
    const typo = await fixture.post(
      "/v1/events",
      cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { assingTo: units.town }),
      integration
    )
    expect(typo.status).toBe(422)
    expect(typo.headers.get("content-type")).toBe("application/problem+json")
    const typoProblem = await json<ProblemBody>(typo)
    expect(typoProblem.errors?.map((e) => e.path)).toContain("/data/assingTo")

    const noOffset = await fixture.post(
      "/v1/events",
      { ...cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00"), time: "2026-09-28T09:30:00" },
      integration
    )
    expect(noOffset.status).toBe(422)
    const noOffsetProblem = await json<ProblemBody>(noOffset)
    expect(noOffsetProblem.errors?.[0]).toMatchObject({ in: "body", path: "/time" })
    expect(noOffsetProblem.errors?.[0]?.message).toContain("offset")

    const badType = await fixture.post(
      "/v1/events",
      { ...cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00"), type: "petition received" },
      integration
    )
    expect((await json<ProblemBody>(badType)).errors?.[0]?.path).toBe("/type")

    const notJson = await fixture.post("/v1/events", "{ not json", integration)
    expect(notJson.status).toBe(400)
    expect((await json<ProblemBody>(notJson)).type).toBe("urn:gridwork:problem:malformed-request")
  })

  it("needs a token (401) and the record-events permission (403)", async () => {
    const body = cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { unit: units.village })
    const anonymous = await fixture.post("/v1/events", body, undefined)
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get("content-type")).toBe("application/problem+json")
    const staff = await fixture.post("/v1/events", body, leader)
    expect(staff.status).toBe(403)
    expect((await json<ProblemBody>(staff)).detail).toContain("responsibility.record-events")
    const expired = await fixture.app.request("/v1/events", {
      method: "POST",
      body: JSON.stringify(body),
      headers: {
        "content-type": "application/json",
        "idempotency-key": newKey(),
        authorization: `Bearer ${await fixture.run(fixture.issuer.mint({ subject: "petition-service", roles: ["gridwork-service"], expiresInSeconds: -60 }))}`
      }
    })
    expect(expired.status).toBe(401)
  })

  it("marks a deadline in a year the calendar does not have yet as provisional", async () => {
    for (const [type, time] of [
      ["PetitionReceived", "2026-11-16T09:00:00+08:00"],
      ["PetitionRouted", "2026-11-16T11:00:00+08:00"],
      ["PetitionAccepted", "2026-11-17T10:00:00+08:00"]
    ] as const) {
      await fixture.at(time)
      expect(
        (await fixture.post("/v1/events", cloudEvent(type, subject, time, { unit: units.town }), integration)).status
      ).toBe(200)
    }
    // 60 days from 17 November 2026 ends in 2027, whose holidays Lanxi's calendar does not have yet
    // (whenYearMissing: provisional): the obligation opens, marked provisional, and nothing is refused.
    const obligations = await json<{ obligations: ReadonlyArray<ObligationBody & { readonly provisional: boolean }> }>(
      await fixture.get(`/v1/obligations?subject=${subject}`, leader)
    )
    const handle = obligations.obligations.find((o) => o.rule === "petition.handle")
    // 60 days after 17 Nov 2026 is Saturday 16 Jan 2027; the last day rolls to Monday 18 Jan, 17:30 local.
    expect(handle?.due).toBe("2027-01-18T09:30:00.000Z")
    expect(handle?.provisional).toBe(true)
    expect(obligations.obligations.filter((o) => o.rule !== "petition.handle").every((o) => !o.provisional)).toBe(true)
    const stream = await fixture.run(
      EventStore.EventStore.use((store) => store.readStream(MatterStream.streamIdOf(subject)))
    )
    expect(stream.filter((event) => event.type === "ActionRefused")).toEqual([])
  })

  it("names no personal data in its logs", async () => {
    await fixture.post(
      "/v1/events",
      cloudEvent("PetitionReceived", subject, "2026-09-28T09:30:00+08:00", { unit: units.village }),
      integration
    )
    const requests = fixture.logs.map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(requests.some((line) => line.message === "request" && line.route === "/v1/events")).toBe(true)
    expect(fixture.logs.join("\n")).not.toContain("Bearer")
  })
})
