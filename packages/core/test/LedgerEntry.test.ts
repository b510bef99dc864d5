import { assert, describe, it } from "@effect/vitest"
import { Effect, Result } from "effect"
import { LedgerEntry } from "../src"
import { sampleLedgerEntry } from "../src/testing"

const holderChange = {
  _tag: "HolderChanged",
  change: "leaderAssigned",
  subjectId: "0192f0c1-7a1b-7c3d-8e4f-0123456789ab",
  from: { unit: "dongshan.village-3" },
  to: { unit: "dongshan.township", role: "leader", actor: "0192f0c1-7a1b-7c3d-9e4f-0123456789ac" },
  at: 1_790_000_000_000,
  ruleId: "cn-xf-2022.art-22",
  policyVersion: "2026.1",
  reasonHash: "0f".repeat(32)
}

const decodeIssue = (input: unknown): string => {
  const result = Effect.runSync(Effect.result(LedgerEntry.decode(input)))
  if (Result.isSuccess(result)) throw new Error("expected the entry to be rejected")
  return result.failure.message
}

describe("LedgerEntry", () => {
  it("decodes a holder change made only of ids, codes, instants and hashes", () => {
    const entry = Effect.runSync(LedgerEntry.decode(holderChange))
    assert.deepStrictEqual(entry, holderChange as unknown as LedgerEntry.LedgerEntry)
  })

  it("round-trips every sample entry through encode and decode", () => {
    for (let i = 0; i < 8; i++) {
      const entry = sampleLedgerEntry(i)
      const encoded = Effect.runSync(LedgerEntry.encode(entry))
      assert.deepStrictEqual(Effect.runSync(LedgerEntry.decode(JSON.parse(JSON.stringify(encoded)))), entry)
    }
  })

  describe("keeps personal data out", () => {
    it("rejects a name-like field, naming it", () => {
      const issue = decodeIssue({ ...holderChange, petitionerName: "Zhang San" })
      assert.include(issue, "petitionerName")
    })

    it("rejects a name hidden inside the holder", () => {
      assert.include(decodeIssue({ ...holderChange, to: { ...holderChange.to, name: "Wang Wu" } }), "name")
    })

    it("rejects a free-text reason: only its hash may be recorded", () => {
      assert.include(decodeIssue({ ...holderChange, reason: "the petitioner Zhang San was rude" }), "reason")
      assert.include(decodeIssue({ ...holderChange, reasonHash: "the petitioner was rude" }), "SHA-256")
    })

    it("rejects free text where a code is expected, naming the path and the rule", () => {
      const issue = decodeIssue({ ...holderChange, to: { unit: "Zhang San's office" } })
      assert.include(issue, "unit")
      assert.include(issue, "a code is 1-128 letters")
      assert.include(decodeIssue({ ...holderChange, ruleId: "because I said so" }), "ruleId")
      assert.include(decodeIssue({ ...holderChange, policyVersion: "version one" }), "policy version")
    })

    it("rejects a name where an actor id is expected", () => {
      assert.include(decodeIssue({ ...holderChange, to: { unit: "u", actor: "Zhang San" } }), "actor")
    })

    it("rejects smuggled fields when encoding typed values too", () => {
      const smuggled = { ...sampleLedgerEntry(1), phone: "13800000000" } as unknown as LedgerEntry.LedgerEntry
      const result = LedgerEntry.encodeResult(smuggled, 4)
      assert.isTrue(Result.isFailure(result))
      if (Result.isFailure(result)) {
        assert.strictEqual(result.failure.index, 4)
        assert.include(result.failure.message, "phone")
      }
    })
  })

  it("rejects an unknown entry kind and an unknown change", () => {
    assert.include(decodeIssue({ ...holderChange, _tag: "Gossip" }), "_tag")
    assert.include(decodeIssue({ ...holderChange, change: "forgotten" }), "change")
  })
})
