/**
 * The jurisdiction tree of a locality: tiers named by the locality (grid → village →
 * township → county, or beat → ward → district → city), each node attached to a parent
 * one tier above it.
 *
 * {@link validate} checks a list of nodes and reports every problem at once (unknown or
 * duplicate tiers, duplicate codes, unknown parents, parents at the wrong tier, roots
 * below the top tier, cycles, leaves above the lowest tier unless that tier is listed in
 * `leavesAllowedAt`). {@link make} builds the indexed tree when there is none.
 *
 * @example
 * ```ts
 * import { Result, Schema } from "effect"
 * import { Jurisdiction, JurisdictionTree } from "@gridwork/core"
 *
 * const jurisdictions = Schema.decodeUnknownSync(Schema.Array(Jurisdiction.Jurisdiction))([
 *   { code: "lanxi", name: "Lanxi County", level: "county" },
 *   { code: "lanxi.dongshan", name: "Dongshan Town", level: "township", parent: "lanxi" },
 *   { code: "lanxi.dongshan.qiaotou", name: "Qiaotou Village", level: "village", parent: "lanxi.dongshan" }
 * ])
 * const tree = Result.getOrThrow(JurisdictionTree.make({ tiers: ["village", "township", "county"], jurisdictions }))
 * tree.ancestors("lanxi.dongshan.qiaotou").map((a) => a.code) // ["lanxi.dongshan", "lanxi"]
 * tree.isWithin("lanxi.dongshan.qiaotou", "lanxi") // true
 * ```
 * @module
 */
import { Option, Result } from "effect"
import type { JurisdictionCode } from "../primitives/Ids"
import type { Jurisdiction } from "./Jurisdiction"

/** What {@link validate} and {@link make} take. */
export interface TreeInput {
  /** Tier names from the lowest (leaves, e.g. `grid`) to the highest (root, e.g. `county`). */
  readonly tiers: ReadonlyArray<string>
  /** Tiers other than the lowest at which a node may have no children. */
  readonly leavesAllowedAt?: ReadonlyArray<string> | undefined
  /** The nodes, in any order. */
  readonly jurisdictions: ReadonlyArray<Jurisdiction>
  /**
   * Codes that exist in the source but could not be decoded. References to them are not
   * reported again as unknown (the decoding error already is).
   */
  readonly undecodedCodes?: ReadonlySet<string> | undefined
  /**
   * Parents named by entries that could not be decoded: such a parent is not reported
   * as a leaf (its child exists in the source).
   */
  readonly undecodedParents?: ReadonlySet<string> | undefined
  /** Names an entry in messages (default `jurisdictions[i]`), e.g. by its place in the source file. */
  readonly describe?: ((index: number) => string) | undefined
}

/**
 * A problem found by {@link validate}. `path` is relative to the {@link TreeInput}:
 * `["jurisdictions", 3, "parent"]`, `["tiers", 1]`, `["leavesAllowedAt", 0]`.
 */
export interface TreeProblem {
  readonly path: ReadonlyArray<string | number>
  readonly rule: string
  readonly message: string
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`)

/** Checks a tree input; returns every problem found (an empty array when it is valid). */
export const validate = (input: TreeInput): Array<TreeProblem> => {
  const problems: Array<TreeProblem> = []
  const { tiers, jurisdictions } = input
  const leavesAllowedAt = input.leavesAllowedAt ?? []
  const undecoded = input.undecodedCodes ?? new Set<string>()
  const describe = input.describe ?? ((index: number) => `jurisdictions[${index}]`)

  const tierIndex = new Map<string, number>()
  if (tiers.length === 0) {
    problems.push({ path: ["tiers"], rule: "jurisdiction.tiers-empty", message: "at least one tier is required" })
  }
  tiers.forEach((tier, index) => {
    if (tierIndex.has(tier)) {
      problems.push({
        path: ["tiers", index],
        rule: "jurisdiction.duplicate-tier",
        message: `tier "${tier}" is listed twice (tiers must be distinct, lowest first)`
      })
    } else {
      tierIndex.set(tier, index)
    }
  })
  const tierList = tiers.join(", ")
  leavesAllowedAt.forEach((tier, index) => {
    if (!tierIndex.has(tier)) {
      problems.push({
        path: ["leavesAllowedAt", index],
        rule: "jurisdiction.unknown-tier",
        message: `"${tier}" is not one of the tiers (${tierList})`
      })
    }
  })

  if (jurisdictions.length === 0) {
    problems.push({
      path: ["jurisdictions"],
      rule: "jurisdiction.empty",
      message: "at least one jurisdiction is required"
    })
    return problems
  }

  const firstIndex = new Map<string, number>()
  jurisdictions.forEach((node, index) => {
    const previous = firstIndex.get(node.code)
    if (previous !== undefined) {
      problems.push({
        path: ["jurisdictions", index, "code"],
        rule: "jurisdiction.duplicate-code",
        message: `code "${node.code}" is already used by ${describe(previous)} (${jurisdictions[previous]?.name ?? ""}); codes must be unique`
      })
    } else {
      firstIndex.set(node.code, index)
    }
  })

  const topTier = tiers.length - 1
  const hasChildren = new Set<string>(input.undecodedParents ?? [])
  jurisdictions.forEach((node, index) => {
    if (node.parent !== undefined) hasChildren.add(node.parent)
    const level = tierIndex.get(node.level)
    if (level === undefined) {
      problems.push({
        path: ["jurisdictions", index, "level"],
        rule: "jurisdiction.unknown-tier",
        message: `level "${node.level}" is not one of the tiers (${tierList})`
      })
    }
    if (node.parent === undefined) {
      if (level !== undefined && level !== topTier) {
        problems.push({
          path: ["jurisdictions", index],
          rule: "jurisdiction.missing-parent",
          message: `${node.code} is ${article(node.level)} without a parent; only the top tier (${tiers[topTier]}) may be a root`
        })
      }
      return
    }
    if (node.parent === node.code) {
      problems.push({
        path: ["jurisdictions", index, "parent"],
        rule: "jurisdiction.cycle",
        message: `${node.code} is its own parent`
      })
      return
    }
    const parentIndex = firstIndex.get(node.parent)
    if (parentIndex === undefined) {
      if (!undecoded.has(node.parent)) {
        problems.push({
          path: ["jurisdictions", index, "parent"],
          rule: "jurisdiction.unknown-parent",
          message: `parent "${node.parent}" is not the code of any jurisdiction in this model`
        })
      }
      return
    }
    const parent = jurisdictions[parentIndex]
    const parentLevel = parent === undefined ? undefined : tierIndex.get(parent.level)
    if (level !== undefined && parentLevel !== undefined && parentLevel !== level + 1) {
      const expected = tiers[level + 1]
      problems.push({
        path: ["jurisdictions", index, "parent"],
        rule: "jurisdiction.tier-mismatch",
        message:
          expected === undefined
            ? `${node.code} is at the top tier (${node.level}) and cannot have a parent, but its parent is ${node.parent}`
            : `the parent of ${article(node.level)} must be ${article(expected)}, but ${node.parent} is ${article(parent?.level ?? "")}`
      })
    }
  })

  // Cycles: follow parents from every node; a node met twice on one walk closes a cycle.
  const state = new Map<string, "walking" | "done">()
  jurisdictions.forEach((start) => {
    if (state.has(start.code)) return
    const walk: Array<string> = []
    let current: string | undefined = start.code
    while (current !== undefined && !state.has(current)) {
      state.set(current, "walking")
      walk.push(current)
      const index = firstIndex.get(current)
      const parent: string | undefined = index === undefined ? undefined : jurisdictions[index]?.parent
      current = parent === current ? undefined : parent
    }
    if (current !== undefined && state.get(current) === "walking") {
      const cycle = walk.slice(walk.indexOf(current))
      const members = cycle.map((code) => firstIndex.get(code) ?? 0)
      const first = Math.min(...members)
      problems.push({
        path: ["jurisdictions", first, "parent"],
        rule: "jurisdiction.cycle",
        message: `parents form a cycle: ${[...cycle, current].join(" → ")}`
      })
    }
    for (const code of walk) state.set(code, "done")
  })

  jurisdictions.forEach((node, index) => {
    if (hasChildren.has(node.code) || firstIndex.get(node.code) !== index) return
    const level = tierIndex.get(node.level)
    if (level === undefined || level === 0 || leavesAllowedAt.includes(node.level)) return
    problems.push({
      path: ["jurisdictions", index],
      rule: "jurisdiction.leaf-tier",
      message: `${node.code} (${node.level}) has no children; leaves must be at the lowest tier (${tiers[0]}) unless "${node.level}" is listed in leavesAllowedAt`
    })
  })

  return problems
}

/**
 * A checked, indexed jurisdiction tree. Lookups of unknown codes return `Option.none()`,
 * empty arrays or `false`; they never throw.
 */
export class JurisdictionTree {
  /** Tier names, lowest first. */
  readonly tiers: ReadonlyArray<string>
  /** Every node in input order. */
  readonly all: ReadonlyArray<Jurisdiction>
  readonly #byCode: ReadonlyMap<string, Jurisdiction>
  readonly #children: ReadonlyMap<string, ReadonlyArray<Jurisdiction>>
  readonly #tierIndex: ReadonlyMap<string, number>

  /** @internal use {@link make} */
  constructor(tiers: ReadonlyArray<string>, all: ReadonlyArray<Jurisdiction>) {
    this.tiers = tiers
    this.all = all
    this.#byCode = new Map(all.map((node) => [node.code, node]))
    const children = new Map<string, Array<Jurisdiction>>()
    for (const node of all) {
      if (node.parent === undefined) continue
      const list = children.get(node.parent)
      if (list === undefined) children.set(node.parent, [node])
      else list.push(node)
    }
    this.#children = children
    this.#tierIndex = new Map(tiers.map((tier, index) => [tier, index]))
  }

  /** Number of nodes. */
  get size(): number {
    return this.all.length
  }

  /** Nodes without a parent (at the top tier). */
  get roots(): ReadonlyArray<Jurisdiction> {
    return this.all.filter((node) => node.parent === undefined)
  }

  /** The node with this code. */
  get(code: string): Option.Option<Jurisdiction> {
    return Option.fromNullishOr(this.#byCode.get(code))
  }

  /** Whether a node with this code exists. */
  has(code: string): code is JurisdictionCode {
    return this.#byCode.has(code)
  }

  /** The parent of a node; none for a root or an unknown code. */
  parent(code: string): Option.Option<Jurisdiction> {
    const node = this.#byCode.get(code)
    return node?.parent === undefined ? Option.none() : this.get(node.parent)
  }

  /** The direct children of a node, in input order. */
  children(code: string): ReadonlyArray<Jurisdiction> {
    return this.#children.get(code) ?? []
  }

  /** The ancestors of a node, nearest first (parent, grandparent, …, root). */
  ancestors(code: string): ReadonlyArray<Jurisdiction> {
    const result: Array<Jurisdiction> = []
    let node = this.#byCode.get(code)
    while (node?.parent !== undefined) {
      node = this.#byCode.get(node.parent)
      if (node === undefined) break
      result.push(node)
    }
    return result
  }

  /** All descendants of a node, depth first, each parent before its children (the node itself excluded). */
  descendants(code: string): ReadonlyArray<Jurisdiction> {
    const result: Array<Jurisdiction> = []
    const stack = [...this.children(code)].reverse()
    while (stack.length > 0) {
      const node = stack.pop()!
      result.push(node)
      const children = this.children(node.code)
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!)
    }
    return result
  }

  /** Whether `code` is `scope` itself or one of its descendants. */
  isWithin(code: string, scope: string): boolean {
    if (!this.#byCode.has(code) || !this.#byCode.has(scope)) return false
    let current: string | undefined = code
    while (current !== undefined) {
      if (current === scope) return true
      current = this.#byCode.get(current)?.parent
    }
    return false
  }

  /** Every node at a tier, in input order. */
  atTier(tier: string): ReadonlyArray<Jurisdiction> {
    return this.all.filter((node) => node.level === tier)
  }

  /** Position of a tier, 0 for the lowest; none for an unknown tier. */
  tierIndex(tier: string): Option.Option<number> {
    return Option.fromNullishOr(this.#tierIndex.get(tier))
  }

  /** The path from the root down to the node (inclusive); empty for an unknown code. */
  pathTo(code: string): ReadonlyArray<Jurisdiction> {
    const node = this.#byCode.get(code)
    return node === undefined ? [] : [...this.ancestors(code)].reverse().concat([node])
  }
}

/**
 * Checks the input with {@link validate} and builds the tree, or fails with every
 * problem found.
 */
export const make = (input: TreeInput): Result.Result<JurisdictionTree, ReadonlyArray<TreeProblem>> => {
  const problems = validate(input)
  return problems.length > 0
    ? Result.fail(problems)
    : Result.succeed(new JurisdictionTree(input.tiers, input.jurisdictions))
}
