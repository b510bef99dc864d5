import { assert, describe, expect, it } from "@effect/vitest"
import { Option, Result } from "effect"
import { Ids, Jurisdiction, JurisdictionTree } from "../src"

const node = (code: string, level: string, parent?: string): Jurisdiction.Jurisdiction =>
  Jurisdiction.Jurisdiction.make({
    code: Ids.JurisdictionCode.make(code),
    name: `Name of ${code}`,
    level: Jurisdiction.TierName.make(level),
    ...(parent === undefined ? {} : { parent: Ids.JurisdictionCode.make(parent) })
  })

const tiers = ["grid", "village", "township", "county"]

// county → 2 townships → 3 villages → 2 grids in one village
const nodes = [
  node("lx", "county"),
  node("lx.ds", "township", "lx"),
  node("lx.xq", "township", "lx"),
  node("lx.ds.qt", "village", "lx.ds"),
  node("lx.ds.st", "village", "lx.ds"),
  node("lx.xq.hn", "village", "lx.xq"),
  node("lx.ds.qt.g1", "grid", "lx.ds.qt"),
  node("lx.ds.qt.g2", "grid", "lx.ds.qt")
]

const build = () =>
  Result.getOrThrow(JurisdictionTree.make({ tiers, leavesAllowedAt: ["village"], jurisdictions: nodes }))

const rulesOf = (input: JurisdictionTree.TreeInput) =>
  JurisdictionTree.validate(input).map((p) => [p.path.join("."), p.rule])

describe("JurisdictionTree", () => {
  it("navigates parents, children, ancestors and descendants", () => {
    const tree = build()
    expect(tree.size).toBe(8)
    expect(tree.roots.map((j) => j.code)).toEqual(["lx"])
    expect(tree.parent("lx.ds.qt").pipe(Option.map((j) => j.code))).toEqual(Option.some("lx.ds"))
    expect(tree.parent("lx")).toEqual(Option.none())
    expect(tree.children("lx.ds").map((j) => j.code)).toEqual(["lx.ds.qt", "lx.ds.st"])
    expect(tree.ancestors("lx.ds.qt.g2").map((j) => j.code)).toEqual(["lx.ds.qt", "lx.ds", "lx"])
    expect(tree.descendants("lx").map((j) => j.code)).toEqual([
      "lx.ds",
      "lx.ds.qt",
      "lx.ds.qt.g1",
      "lx.ds.qt.g2",
      "lx.ds.st",
      "lx.xq",
      "lx.xq.hn"
    ])
    expect(tree.pathTo("lx.ds.qt.g1").map((j) => j.code)).toEqual(["lx", "lx.ds", "lx.ds.qt", "lx.ds.qt.g1"])
  })

  it("looks codes up and answers scope questions", () => {
    const tree = build()
    expect(tree.get("lx.xq.hn").pipe(Option.map((j) => j.name))).toEqual(Option.some("Name of lx.xq.hn"))
    expect(tree.get("nowhere")).toEqual(Option.none())
    expect(tree.has("lx.ds")).toBe(true)
    expect(tree.isWithin("lx.ds.qt.g1", "lx.ds")).toBe(true)
    expect(tree.isWithin("lx.ds", "lx.ds")).toBe(true)
    expect(tree.isWithin("lx.xq.hn", "lx.ds")).toBe(false)
    expect(tree.isWithin("lx", "lx.ds")).toBe(false)
    expect(tree.isWithin("nowhere", "lx")).toBe(false)
    expect(tree.atTier("village").map((j) => j.code)).toEqual(["lx.ds.qt", "lx.ds.st", "lx.xq.hn"])
    expect(tree.tierIndex("township")).toEqual(Option.some(2))
    expect(tree.children("nowhere")).toEqual([])
    expect(tree.ancestors("nowhere")).toEqual([])
  })

  it("accepts nodes in any order", () => {
    const shuffled = [...nodes].reverse()
    const tree = Result.getOrThrow(
      JurisdictionTree.make({ tiers, leavesAllowedAt: ["village"], jurisdictions: shuffled })
    )
    expect(tree.ancestors("lx.ds.qt.g1").map((j) => j.code)).toEqual(["lx.ds.qt", "lx.ds", "lx"])
  })

  it("reports duplicate codes and unknown parents", () => {
    expect(
      rulesOf({
        tiers,
        leavesAllowedAt: ["village"],
        jurisdictions: [...nodes, node("lx.ds", "township", "lx"), node("lx.zz.v", "village", "lx.zz")]
      })
    ).toEqual([
      ["jurisdictions.8.code", "jurisdiction.duplicate-code"],
      ["jurisdictions.9.parent", "jurisdiction.unknown-parent"]
    ])
  })

  it("does not report a parent that exists in the source but failed to decode", () => {
    expect(
      rulesOf({
        tiers,
        leavesAllowedAt: ["village"],
        jurisdictions: [...nodes, node("lx.zz.v", "village", "lx.zz")],
        undecodedCodes: new Set(["lx.zz"])
      })
    ).toEqual([])
  })

  it("reports parents at the wrong tier, unknown tiers and roots below the top", () => {
    expect(
      rulesOf({
        tiers,
        leavesAllowedAt: ["village"],
        jurisdictions: [
          ...nodes,
          node("lx.v", "village", "lx"),
          node("lx.ds.qt.x", "hamlet", "lx.ds.qt"),
          node("lone", "township")
        ]
      })
    ).toEqual([
      ["jurisdictions.8.parent", "jurisdiction.tier-mismatch"],
      ["jurisdictions.9.level", "jurisdiction.unknown-tier"],
      ["jurisdictions.10", "jurisdiction.missing-parent"],
      ["jurisdictions.10", "jurisdiction.leaf-tier"]
    ])
  })

  it("reports cycles once, at their first member", () => {
    const problems = JurisdictionTree.validate({
      tiers: ["township", "county"],
      jurisdictions: [
        node("c", "county"),
        node("a", "township", "b"),
        node("b", "township", "a"),
        node("s", "township", "s")
      ]
    })
    const cycles = problems.filter((p) => p.rule === "jurisdiction.cycle")
    expect(cycles.map((p) => [p.path.join("."), p.message])).toEqual([
      ["jurisdictions.3.parent", "s is its own parent"],
      ["jurisdictions.1.parent", "parents form a cycle: a → b → a"]
    ])
  })

  it("requires leaves at the lowest tier unless their tier is allowed", () => {
    const strict = rulesOf({ tiers, jurisdictions: nodes })
    expect(strict).toEqual([
      ["jurisdictions.4", "jurisdiction.leaf-tier"],
      ["jurisdictions.5", "jurisdiction.leaf-tier"]
    ])
    expect(rulesOf({ tiers, leavesAllowedAt: ["village"], jurisdictions: nodes })).toEqual([])
  })

  it("checks the tiers themselves", () => {
    expect(
      rulesOf({ tiers: ["village", "village", "county"], leavesAllowedAt: ["hamlet"], jurisdictions: [] })
    ).toEqual([
      ["tiers.1", "jurisdiction.duplicate-tier"],
      ["leavesAllowedAt.0", "jurisdiction.unknown-tier"],
      ["jurisdictions", "jurisdiction.empty"]
    ])
  })

  it("fails make with every problem", () => {
    const result = JurisdictionTree.make({ tiers, jurisdictions: [node("a", "grid", "b")] })
    assert(Result.isFailure(result))
    expect(result.failure.map((p) => p.rule)).toEqual(["jurisdiction.unknown-parent"])
  })
})
