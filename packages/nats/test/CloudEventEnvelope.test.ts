import { assert, describe, it } from "@effect/vitest"
import type { Bus, EventStore, Ids } from "@gridwork/core"
import { Instant } from "@gridwork/core"
import { CloudEvent } from "cloudevents"
import { Result } from "effect"
import fc from "fast-check"
import * as CloudEventEnvelope from "../src/envelope/CloudEventEnvelope"

const eventId = "01936f4e-8b1a-7c3d-9e2f-0123456789ab" as Ids.EventId
const occurredAt = Instant.unsafeFromIso("2026-10-01T08:00:00+08:00")

const message = (overrides: Partial<EventStore.EventEnvelope> = {}): Bus.BusMessage => ({
  subject: "gw.lanxi.petition.petition-registered",
  event: {
    eventId,
    streamId: "case-01936f4e",
    streamVersion: 3,
    globalPosition: 42,
    type: "PetitionRegistered",
    schemaVersion: 2,
    data: { _tag: "PetitionRegistered", title: "Noise at night", tags: ["night", "noise"], count: 2 },
    metadata: {
      correlationId: "corr-1",
      causationId: "cmd-1",
      actor: "system:intake",
      locality: "lanxi",
      policyVersion: "2026.1"
    },
    occurredAt,
    ...overrides
  }
})

const encodeOk = (input: Bus.BusMessage) => {
  const encoded = CloudEventEnvelope.toCloudEvent(input)
  assert.isTrue(Result.isSuccess(encoded), "encoding should succeed")
  return (encoded as Result.Success<CloudEventEnvelope.CloudEventJson, never>).success
}

const decodeFailure = (subject: string, input: unknown) => {
  const decoded = CloudEventEnvelope.fromCloudEvent(subject, input)
  assert.isTrue(Result.isFailure(decoded), "decoding should fail")
  return (decoded as Result.Failure<never, CloudEventEnvelope.EnvelopeDecodeError>).failure
}

describe("CloudEventEnvelope", () => {
  it("maps a bus message to a CloudEvent 1.0 that the cloudevents SDK validates", () => {
    const json = encodeOk(message())
    assert.deepStrictEqual(json, {
      specversion: "1.0",
      id: eventId,
      source: "/gridwork/lanxi/petition",
      type: "gridwork.petition.PetitionRegistered.v2",
      subject: "case-01936f4e",
      time: "2026-10-01T00:00:00.000Z",
      datacontenttype: "application/json",
      data: { _tag: "PetitionRegistered", title: "Noise at night", tags: ["night", "noise"], count: 2 },
      correlationid: "corr-1",
      causationid: "cmd-1",
      globalposition: "42",
      streamversion: "3",
      gwmetadata: JSON.stringify({ actor: "system:intake", locality: "lanxi", policyVersion: "2026.1" })
    })
    // Strict construction validates the attributes and the extension names; validate() checks again.
    const sdkEvent = new CloudEvent(json, true)
    assert.isTrue(sdkEvent.validate())
    assert.strictEqual(sdkEvent.type, "gridwork.petition.PetitionRegistered.v2")
    assert.strictEqual(sdkEvent.correlationid, "corr-1")
    assert.strictEqual(sdkEvent.globalposition, "42")
  })

  it("omits absent optional attributes, and the SDK still validates the event", () => {
    const json = encodeOk(message({ metadata: {} }))
    assert.notProperty(json, "correlationid")
    assert.notProperty(json, "causationid")
    assert.notProperty(json, "gwmetadata")
    assert.isTrue(new CloudEvent(json, true).validate())
  })

  it("round-trips through the NATS body: decode(encode(m)) is m", () => {
    for (const input of [message(), message({ metadata: {} }), message({ metadata: { correlationId: "c" } })]) {
      const body = CloudEventEnvelope.encode(input)
      assert.isTrue(Result.isSuccess(body))
      const decoded = CloudEventEnvelope.decode(input.subject, (body as Result.Success<Uint8Array, never>).success)
      assert.deepStrictEqual(decoded, Result.succeed(input))
    }
  })

  it("round-trips any JSON data, metadata, positions and versions", () => {
    const json = fc.jsonValue().map((value) => JSON.parse(JSON.stringify(value)) as Bus.BusMessage["event"]["data"])
    fc.assert(
      fc.property(
        json,
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string(), { maxKeys: 4 }),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.integer({ min: 1, max: 99 }),
        (data, extra, globalPosition, streamVersion, schemaVersion) => {
          const input = message({ data, metadata: extra, globalPosition, streamVersion, schemaVersion })
          const body = CloudEventEnvelope.encode(input)
          if (Result.isFailure(body)) return false
          const decoded = CloudEventEnvelope.decode(input.subject, body.success)
          assert.deepStrictEqual(decoded, Result.succeed(input))
          return new CloudEvent(encodeOk(input), true).validate()
        }
      ),
      { numRuns: 200 }
    )
  })

  it("decodes a CloudEvent produced by the cloudevents SDK", () => {
    const sdkEvent = new CloudEvent({
      id: eventId,
      source: "/gridwork/lanxi/petition",
      type: "gridwork.petition.PetitionRouted.v1",
      subject: "case-7",
      time: "2026-10-01T08:00:00+08:00",
      datacontenttype: "application/json",
      data: { to: "dongshan" },
      globalposition: "7",
      streamversion: "2",
      correlationid: "corr-9"
    })
    const decoded = CloudEventEnvelope.fromCloudEvent(
      "gw.lanxi.petition.petition-routed",
      JSON.parse(JSON.stringify(sdkEvent))
    )
    assert.deepStrictEqual(
      decoded,
      Result.succeed({
        subject: "gw.lanxi.petition.petition-routed",
        event: {
          eventId,
          streamId: "case-7",
          streamVersion: 2,
          globalPosition: 7,
          type: "PetitionRouted",
          schemaVersion: 1,
          data: { to: "dongshan" },
          metadata: { correlationId: "corr-9" },
          occurredAt
        }
      })
    )
  })

  it("refuses a subject that gives no locality and module", () => {
    const encoded = CloudEventEnvelope.toCloudEvent({ ...message(), subject: "gw.lanxi.petition" })
    assert.isTrue(Result.isFailure(encoded))
    const failure = (encoded as Result.Failure<never, CloudEventEnvelope.EnvelopeEncodeError>).failure
    assert.include(failure, { _tag: "EnvelopeEncodeError", path: "subject" })
    assert.include(failure.message, "gw.<locality>.<module>.<event>")
  })

  it("names the attribute and the rule of a bad envelope", () => {
    const good = encodeOk(message())
    const subject = "gw.lanxi.petition.petition-registered"
    const cases: ReadonlyArray<readonly [unknown, string, string]> = [
      [{ ...good, specversion: "0.3" }, "specversion", "1.0"],
      [{ ...good, id: "not-a-uuid" }, "id", ""],
      [{ ...good, source: "lanxi/petition" }, "source", "/gridwork/<locality>/<module>"],
      [{ ...good, source: "/gridwork/anji/petition" }, "source", "/gridwork/lanxi/petition"],
      [{ ...good, type: "petition.registered" }, "type", "gridwork.<module>.<Event>.v<version>"],
      [{ ...good, type: "gridwork.mediation.PetitionRegistered.v1" }, "type", "module mediation"],
      [{ ...good, time: "2026-10-01T08:00:00" }, "time", "offset"],
      [{ ...good, datacontenttype: "text/plain" }, "datacontenttype", "application/json"],
      [{ ...good, globalposition: "0" }, "globalposition", "decimal integer >= 1"],
      [{ ...good, globalposition: 42 }, "globalposition", ""],
      [{ ...good, streamversion: "03" }, "streamversion", "leading zeros"],
      [{ ...good, gwmetadata: "{not json" }, "gwmetadata", ""],
      [{ ...good, subject: "" }, "subject", ""],
      ["a string", "body", ""]
    ]
    for (const [input, path, text] of cases) {
      const failure = decodeFailure(subject, input)
      assert.strictEqual(failure.path, path, JSON.stringify(input).slice(0, 80))
      assert.include(failure.reason, text, path)
      assert.include(failure.message, subject)
    }
    const { id: _id, ...withoutId } = good
    assert.strictEqual(decodeFailure(subject, withoutId).path, "id")
  })

  it("reports a body that is not UTF-8 JSON", () => {
    for (const body of [new TextEncoder().encode("{oops"), new Uint8Array([0xff, 0xfe])]) {
      const decoded = CloudEventEnvelope.decode("gw.lanxi.petition.x", body)
      assert.isTrue(Result.isFailure(decoded))
      const failure = (decoded as Result.Failure<never, CloudEventEnvelope.EnvelopeDecodeError>).failure
      assert.strictEqual(failure.path, "body")
      assert.include(failure.reason, "not UTF-8 JSON")
    }
  })

  it("parses CloudEvents types", () => {
    assert.deepStrictEqual(CloudEventEnvelope.parseType("gridwork.petition.PetitionRegistered.v12"), {
      module: "petition",
      eventType: "PetitionRegistered",
      schemaVersion: 12
    })
    assert.isUndefined(CloudEventEnvelope.parseType("gridwork.petition.petitionRegistered.v1"))
    assert.isUndefined(CloudEventEnvelope.parseType("gridwork.petition.PetitionRegistered.v0"))
  })
})
