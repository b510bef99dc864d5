import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as DeadLetter from "../src/consumer/DeadLetter"
import * as StreamLayout from "../src/jetstream/StreamLayout"
import * as Streams from "../src/jetstream/Streams"
import * as Subjects from "../src/jetstream/Subjects"

describe("Subjects", () => {
  it("names event, dead-letter and source subjects", () => {
    assert.strictEqual(
      Subjects.event({ locality: "lanxi", module: "petition", eventType: "PetitionRegistered" }),
      "gw.lanxi.petition.petition-registered"
    )
    assert.strictEqual(Subjects.deadLetter({ locality: "lanxi", module: "petition" }), "gw.lanxi.dlq.petition")
    assert.strictEqual(Subjects.source({ locality: "lanxi", module: "petition" }), "/gridwork/lanxi/petition")
    assert.strictEqual(Subjects.moduleWildcard({ locality: "lanxi", module: "petition" }), "gw.lanxi.petition.>")
  })

  it("parses gw.<locality>.<module>.<rest> and nothing else", () => {
    assert.deepStrictEqual(Subjects.parse("gw.lanxi.petition.petition-registered"), {
      locality: "lanxi",
      module: "petition",
      rest: "petition-registered"
    })
    assert.deepStrictEqual(Subjects.parse("gw.lanxi.petition.a.b")?.rest, "a.b")
    for (const bad of ["gw.lanxi.petition", "x.lanxi.petition.a", "gw.lanxi.*.a", "gw.lanxi.petition.>", "gw..p.a"]) {
      assert.isUndefined(Subjects.parse(bad), bad)
    }
  })

  it("gives each event subject its dead-letter subject, and none to dead letters", () => {
    assert.strictEqual(DeadLetter.subjectOf("gw.lanxi.petition.petition-registered"), "gw.lanxi.dlq.petition")
    assert.isUndefined(DeadLetter.subjectOf("gw.lanxi.dlq.petition"))
    assert.isTrue(DeadLetter.isDeadLetterSubject("gw.lanxi.dlq.petition"))
    assert.isFalse(DeadLetter.isDeadLetterSubject("gw.lanxi.petition.petition-registered"))
    assert.strictEqual(DeadLetter.headerValue("line one\r\nline two"), "line one line two")
    assert.strictEqual(DeadLetter.headerValue("x".repeat(2_000)).length, 1_000)
  })
})

describe("StreamLayout", () => {
  it("puts each module of each locality in its own stream", () => {
    const layout = StreamLayout.perModule
    const petition = { name: "GW_LANXI_PETITION", subjects: "gw.lanxi.petition.>" }
    assert.deepStrictEqual(
      StreamLayout.forSubject(layout, "gw.lanxi.petition.petition-registered"),
      Result.succeed(petition)
    )
    assert.deepStrictEqual(StreamLayout.forPattern(layout, "gw.lanxi.petition.>"), Result.succeed(petition))
    assert.deepStrictEqual(StreamLayout.forPattern(layout, "gw.lanxi.petition.*"), Result.succeed(petition))
    assert.deepStrictEqual(
      StreamLayout.forPattern(layout, "gw.lanxi.petition.petition-routed"),
      Result.succeed(petition)
    )
    assert.deepStrictEqual(
      StreamLayout.forSubject(layout, "gw.lanxi.dlq.petition"),
      Result.succeed({ name: "GW_LANXI_DLQ", subjects: "gw.lanxi.dlq.>" })
    )
  })

  it("refuses patterns spanning streams in the per-module layout, saying why", () => {
    for (const pattern of ["gw.*.petition.>", "gw.lanxi.>", "gw.lanxi.*.x", "gw.lanxi.petition", ">", "x.lanxi.p.>"]) {
      const placed = StreamLayout.forPattern(StreamLayout.perModule, pattern)
      assert.isTrue(Result.isFailure(placed), pattern)
    }
    const failure = StreamLayout.forPattern(StreamLayout.perModule, "gw.*.petition.>")
    assert.include(Result.isFailure(failure) ? failure.failure : "", "names its locality and module")
    assert.isTrue(Result.isFailure(StreamLayout.forSubject(StreamLayout.perModule, "gw.lanxi.petition")))
  })

  it("puts everything in one stream in the single layout", () => {
    const layout = StreamLayout.single()
    const all = Result.succeed({ name: "GW", subjects: "gw.>" })
    assert.deepStrictEqual(StreamLayout.forPattern(layout, "gw.*.petition.>"), all)
    assert.deepStrictEqual(StreamLayout.forPattern(layout, "gw.>"), all)
    assert.deepStrictEqual(StreamLayout.forSubject(layout, "gw.anji.mediation.case-opened"), all)
    assert.isTrue(Result.isFailure(StreamLayout.forPattern(layout, ">")))
    assert.throws(() => StreamLayout.single("has space"), /stream name/)
  })

  it("configures file storage, limits retention and a 2-minute duplicate window by default", () => {
    const config = Streams.streamConfig(
      { name: "GW_LANXI_PETITION", subjects: "gw.lanxi.petition.>" },
      Streams.defaultSettings
    )
    assert.deepStrictEqual(config, {
      name: "GW_LANXI_PETITION",
      subjects: ["gw.lanxi.petition.>"],
      storage: "file",
      retention: "limits",
      discard: "old",
      duplicate_window: 120_000_000_000,
      max_age: 0,
      max_bytes: -1,
      num_replicas: 1
    } as typeof config)
  })
})
