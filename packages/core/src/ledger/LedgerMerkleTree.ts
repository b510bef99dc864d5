/**
 * A Merkle tree over the ledger's entry hashes, as defined for Certificate Transparency
 * (RFC 9162 section 2.1), so that a checkpoint's `merkleRoot` lets anyone prove that one
 * entry is in the ledger with about log2(n) hashes, without the other entries.
 *
 * Leaf `i` (0-based) is the chain hash of entry `seq = i + 1` (its 32 raw bytes):
 *
 * ```text
 * MTH({})      = SHA-256()
 * MTH({d0})    = SHA-256(0x00 || d0)
 * MTH(D[0:n])  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of 2 < n
 * ```
 *
 * Proving an entry: give the entry, its `prevHash` (so the verifier recomputes the chain
 * hash with `Ledger.entryHash`), its index, and {@link inclusionProof}; the verifier runs
 * {@link verifyInclusion} against the root of a checkpoint it has checked.
 * @module
 */
import { hash } from "node:crypto"
import { Schema } from "effect"
import { Sha256Hex } from "./LedgerEntry"

const LEAF = 0x00
const NODE = 0x01

// one-shot hashing over a reused input buffer: about twice as fast as createHash per node
const leafInput = Buffer.alloc(33)
const nodeInput = Buffer.alloc(65)

const hashLeaf = (entryHash: Uint8Array): Buffer => {
  leafInput[0] = LEAF
  leafInput.set(entryHash, 1)
  return hash("sha256", leafInput, "buffer")
}

const hashNode = (left: Uint8Array, right: Uint8Array): Buffer => {
  nodeInput[0] = NODE
  nodeInput.set(left, 1)
  nodeInput.set(right, 33)
  return hash("sha256", nodeInput, "buffer")
}

const bytes = (hex: Sha256Hex): Buffer => Buffer.from(hex, "hex")

/** An inclusion proof: the audit path of leaf `index` in a tree of `size` leaves. */
export const InclusionProof = Schema.Struct({
  index: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
  size: Schema.Int.check(Schema.isGreaterThanOrEqualTo(1)),
  path: Schema.Array(Sha256Hex)
})
/** @see {@link InclusionProof} */
export type InclusionProof = typeof InclusionProof.Type

/** The leaf hash of an entry hash: `SHA-256(0x00 || entryHash)`. */
export const leafHash = (entryHash: Sha256Hex): Sha256Hex => hashLeaf(bytes(entryHash)).toString("hex") as Sha256Hex

/**
 * The levels of the tree, bottom-up: level 0 are the leaf hashes; a node without a
 * right sibling is carried up unchanged, which yields exactly RFC 9162's left-balanced
 * tree.
 */
const nextLevel = (level: ReadonlyArray<Buffer>): Array<Buffer> => {
  const next: Array<Buffer> = []
  for (let i = 0; i + 1 < level.length; i += 2) next.push(hashNode(level[i]!, level[i + 1]!))
  if (level.length % 2 === 1) next.push(level[level.length - 1]!)
  return next
}

const leaves = (entryHashes: ReadonlyArray<Sha256Hex>): Array<Buffer> =>
  entryHashes.map((entryHash) => hashLeaf(bytes(entryHash)))

const levels = (entryHashes: ReadonlyArray<Sha256Hex>): Array<Array<Buffer>> => {
  const out = [leaves(entryHashes)]
  while (out[out.length - 1]!.length > 1) out.push(nextLevel(out[out.length - 1]!))
  return out
}

/** The Merkle tree hash (root) over `entryHashes`. O(n) hashes, O(n) memory. */
export const root = (entryHashes: ReadonlyArray<Sha256Hex>): Sha256Hex => {
  if (entryHashes.length === 0) return hash("sha256", "", "hex") as Sha256Hex
  let level = leaves(entryHashes)
  while (level.length > 1) level = nextLevel(level)
  return level[0]!.toString("hex") as Sha256Hex
}

/**
 * The inclusion proof of leaf `index` (0-based, i.e. entry `seq = index + 1`) in the
 * tree over `entryHashes`. Throws a `RangeError` when `index` is outside the tree.
 */
export const inclusionProof = (entryHashes: ReadonlyArray<Sha256Hex>, index: number): InclusionProof => {
  if (!Number.isInteger(index) || index < 0 || index >= entryHashes.length) {
    throw new RangeError(`leaf index ${index} is outside a tree of ${entryHashes.length} leaves`)
  }
  const path: Array<Sha256Hex> = []
  let position = index
  for (const level of levels(entryHashes)) {
    if (level.length === 1) break
    const sibling = position ^ 1
    if (sibling < level.length) path.push(level[sibling]!.toString("hex") as Sha256Hex)
    position >>= 1
  }
  return { index, size: entryHashes.length, path }
}

/**
 * Checks that `entryHash` is leaf `proof.index` of the tree of `proof.size` leaves with
 * root `expectedRoot` (the algorithm of RFC 9162 section 2.1.3.2).
 */
export const verifyInclusion = (entryHash: Sha256Hex, proof: InclusionProof, expectedRoot: Sha256Hex): boolean => {
  if (!Number.isInteger(proof.index) || proof.index < 0 || proof.index >= proof.size) return false
  let fn = proof.index
  let sn = proof.size - 1
  let r = hashLeaf(bytes(entryHash))
  for (const hex of proof.path) {
    if (sn === 0) return false
    const p = bytes(hex)
    if (fn % 2 === 1 || fn === sn) {
      r = hashNode(p, r)
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2)
          sn = Math.floor(sn / 2)
        }
      }
    } else {
      r = hashNode(r, p)
    }
    fn = Math.floor(fn / 2)
    sn = Math.floor(sn / 2)
  }
  return sn === 0 && r.toString("hex") === expectedRoot
}
