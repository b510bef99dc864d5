import { describe, expect, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { Roster, StaffingCheck, StaffingPolicy } from "../src"

const roster = (rows: string, extra: { people?: Array<string>; contacts?: Array<[string, string]> } = {}) => {
  const base = Result.getOrThrow(Roster.parse(`grid_id,person_id,role\n${rows}`))
  return Result.getOrThrow(
    Roster.fromJson({
      entries: base.entries.map((e) => ({ grid_id: e.gridId, person_id: e.personId, role: e.role })),
      contacts: (extra.contacts ?? []).map(([grid_id, kind]) => ({ grid_id, kind, phone: "+1 401 555 0100" })),
      ...(extra.people ? { people: extra.people } : {})
    })
  )
}

const grids = [
  { gridId: "G-1", community: "north" },
  { gridId: "G-2", community: "north" },
  { gridId: "G-3", community: "south" },
  { gridId: "G-4", community: "south" }
]

const fullyStaffed = `G-1,lead-1,leader
G-2,lead-2,leader
G-3,lead-3,leader
G-4,lead-4,leader
G-1,cop-1,police-liaison
G-2,cop-1,police-liaison
G-3,cop-1,police-liaison
G-4,cop-2,police-liaison
G-1,med-1,mediator
G-4,med-2,mediator
G-2,lead-1,member`

const allContacts: Array<[string, string]> = grids.flatMap((g) => [
  [g.gridId, "worker"],
  [g.gridId, "supervision"]
])

describe("StaffingCheck", () => {
  it("finds no gap in a roster that meets the default policy (one person, several grids and roles)", () => {
    expect(
      StaffingCheck.check(StaffingPolicy.defaultPolicy, roster(fullyStaffed, { contacts: allContacts }), grids)
    ).toEqual([])
  })

  it("reports every gap at once, each with its rule and subject", () => {
    const rows = `G-1,lead-1,leader
G-1,lead-9,leader
G-3,lead-3,leader
G-4,lead-4,leader
G-1,cop-1,police-liaison
G-2,cop-1,police-liaison
G-3,cop-1,police-liaison
G-4,cop-1,police-liaison
G-1,med-1,mediator
G-9,med-1,mediator
G-3,x-1,chauffeur
G-3,lead-3,leader`
    const gaps = StaffingCheck.check(
      StaffingPolicy.defaultPolicy,
      roster(rows, {
        people: ["lead-1", "lead-3", "lead-4", "cop-1", "med-1"],
        contacts: [
          ["G-1", "worker"],
          ["G-7", "worker"]
        ]
      }),
      grids
    )
    const rows2 = gaps.map((g) => [g.rule, g.gridId ?? g.personId ?? g.community])
    expect(rows2).toEqual([
      ["staffing.unknown-person", "G-1"],
      ["staffing.unknown-grid", "G-9"],
      ["staffing.unknown-role", "G-3"],
      ["staffing.unknown-person", "G-3"],
      ["staffing.duplicate-entry", "G-3"],
      ["staffing.too-many", "G-1"],
      ["staffing.missing-role", "G-2"],
      ["staffing.over-capacity", "cop-1"],
      ["staffing.community-missing-role", "south"],
      ["staffing.unknown-grid", "G-7"],
      ["staffing.missing-contact", "G-1"],
      ...["G-2", "G-3", "G-4"].flatMap((id) => [
        ["staffing.missing-contact", id],
        ["staffing.missing-contact", id]
      ])
    ])
    const message = (rule: string) => gaps.find((g) => g.rule === rule)?.message
    expect(message("staffing.too-many")).toBe("grid G-1 has 2 leaders (at most 1)")
    expect(message("staffing.missing-role")).toBe("grid G-2 has no leader (needs at least 1)")
    expect(message("staffing.over-capacity")).toBe("cop-1 is police-liaison of 4 grids (G-1, G-2, G-3, G-4); at most 3")
    expect(message("staffing.community-missing-role")).toBe("community south has no mediator (needs at least 1)")
    expect(gaps.find((g) => g.rule === "staffing.duplicate-entry")?.severity).toBe("warning")
  })

  it("applies a locality's own policy decoded from data", () => {
    const policy = Schema.decodeUnknownSync(StaffingPolicy.StaffingPolicy)({
      roles: ["leader", "coordinator"],
      rules: [
        { rule: "per-grid", role: "coordinator", min: 2 },
        { rule: "grids-per-person", role: "leader", max: 1 }
      ],
      contacts: []
    })
    const gaps = StaffingCheck.check(
      policy,
      roster("G-1,a,leader\nG-2,a,leader\nG-1,c,coordinator\nG-1,d,coordinator"),
      grids.slice(0, 2)
    )
    expect(gaps.map((g) => g.message)).toEqual([
      "grid G-2 has no coordinator (needs at least 2)",
      "a is leader of 2 grids (G-1, G-2); at most 1"
    ])
  })

  it("rejects a malformed policy, naming the rule", () => {
    const bad = Schema.decodeUnknownResult(StaffingPolicy.StaffingPolicy)({
      roles: ["leader"],
      rules: [{ rule: "grids-per-person", role: "leader", max: 0 }],
      contacts: ["fax"]
    })
    expect(Result.isFailure(bad)).toBe(true)
    expect(String(Result.isFailure(bad) && bad.failure)).toMatch(/a capacity is an integer > 0/)
  })
})
