import { createHash } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { type LedgerEntry, LedgerMerkleTree } from "../src"

type Sha256Hex = LedgerEntry.Sha256Hex

const sha256 = (...parts: ReadonlyArray<Uint8Array>): Buffer => {
  const hash = createHash("sha256")
  for (const part of parts) hash.update(part)
  return hash.digest()
}

/** RFC 9162 section 2.1.1, written as the recursive definition reads. */
const referenceRoot = (leaves: ReadonlyArray<Buffer>): Buffer => {
  if (leaves.length === 0) return sha256()
  if (leaves.length === 1) return sha256(Buffer.from([0]), leaves[0]!)
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return sha256(Buffer.from([1]), referenceRoot(leaves.slice(0, k)), referenceRoot(leaves.slice(k)))
}

const entryHashes = (count: number): Array<Sha256Hex> =>
  Array.from({ length: count }, (_, i) => sha256(Buffer.from(`entry ${i}`)).toString("hex") as Sha256Hex)

describe("LedgerMerkleTree (RFC 9162)", () => {
  it("has the hash of the empty string as the root of an empty tree", () => {
    assert.strictEqual(LedgerMerkleTree.root([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  })

  it("matches the recursive definition for every size from 1 to 40", () => {
    for (let n = 1; n <= 40; n++) {
      const hashes = entryHashes(n)
      const expected = referenceRoot(hashes.map((hash) => Buffer.from(hash, "hex"))).toString("hex")
      assert.strictEqual(LedgerMerkleTree.root(hashes), expected, `size ${n}`)
    }
  })

  it("proves the inclusion of every leaf of every tree up to 33 leaves", () => {
    for (let n = 1; n <= 33; n++) {
      const hashes = entryHashes(n)
      const root = LedgerMerkleTree.root(hashes)
      for (let index = 0; index < n; index++) {
        const proof = LedgerMerkleTree.inclusionProof(hashes, index)
        assert.isTrue(LedgerMerkleTree.verifyInclusion(hashes[index]!, proof, root), `leaf ${index} of ${n}`)
        assert.isAtMost(proof.path.length, Math.ceil(Math.log2(n)))
      }
    }
  })

  it("rejects a proof for another leaf, another index, another size, or a changed path", () => {
    const hashes = entryHashes(13)
    const root = LedgerMerkleTree.root(hashes)
    const proof = LedgerMerkleTree.inclusionProof(hashes, 6)
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[7]!, proof, root))
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, index: 7 }, root))
    // the size is not authenticated by the path alone (sizes 13 and 14 share this path);
    // verifiers take it from the signed checkpoint. A size with another tree shape fails:
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, size: 7 }, root))
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, index: 13 }, root))
    const changed = [...proof.path]
    changed[1] = hashes[0]!
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, path: changed }, root))
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, path: proof.path.slice(1) }, root))
    assert.isFalse(LedgerMerkleTree.verifyInclusion(hashes[6]!, { ...proof, path: [...proof.path, hashes[0]!] }, root))
  })

  it("refuses to prove a leaf outside the tree", () => {
    assert.throws(() => LedgerMerkleTree.inclusionProof(entryHashes(3), 3), RangeError)
  })

  it("computes leaf hashes with the 0x00 prefix", () => {
    const [hash] = entryHashes(1)
    assert.strictEqual(
      LedgerMerkleTree.leafHash(hash!),
      sha256(Buffer.from([0]), Buffer.from(hash!, "hex")).toString("hex")
    )
  })
})
