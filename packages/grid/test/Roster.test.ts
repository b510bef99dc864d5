import { describe, expect, it } from "@effect/vitest"
import { Instant } from "@gridwork/core"
import { Result } from "effect"
import { Roster } from "../src"

const failure = (result: Result.Result<Roster.Roster, Roster.RosterFileError>): ReadonlyArray<string> => {
  if (Result.isSuccess(result)) throw new Error("expected a failure")
  return result.failure.problems
}

describe("Roster", () => {
  it("reads the CSV form, columns in any order, quoted fields, CRLF, BOM and blank lines", () => {
    const roster = Result.getOrThrow(
      Roster.parse(
        '\uFEFFrole,grid_id,person_id\r\nleader,G-1,p-1\r\n\r\n"police-liaison","G-1",p-2\r\nmediator,G-2,p-1\r\n'
      )
    )
    expect(roster.entries.map((e) => [e.gridId, e.personId, e.role])).toEqual([
      ["G-1", "p-1", "leader"],
      ["G-1", "p-2", "police-liaison"],
      ["G-2", "p-1", "mediator"]
    ])
    expect(roster.contacts).toEqual([])
    expect(roster.people).toBeUndefined()
  })

  it("names the line and field of every bad CSV row, and a missing column", () => {
    const problems = failure(Roster.parse("grid_id,person_id,role\nG-1,,leader\nG-2,p 3,leader\nG-3,p-4,\n", "r.csv"))
    expect(problems).toHaveLength(3)
    expect(problems[0]).toMatch(/^line 2: person_id: /)
    expect(problems[1]).toMatch(/^line 3: person_id: .*a code is 1-128 letters/)
    expect(problems[2]).toMatch(/^line 4: role: /)
    expect(failure(Roster.parse("grid,person\nG-1,p-1\n"))[0]).toMatch(/missing grid_id, person_id, role/)
  })

  it("reads the JSON form with contacts, people and as_of", () => {
    const roster = Result.getOrThrow(
      Roster.parse(
        JSON.stringify({
          as_of: "2026-11-01T09:00:00+08:00",
          entries: [{ grid_id: "G-1", person_id: "p-1", role: "leader" }],
          contacts: [{ grid_id: "G-1", kind: "worker", phone: "+1 (401) 555-0100" }],
          people: ["p-1", "p-2"]
        })
      )
    )
    expect(roster.entries).toHaveLength(1)
    expect(roster.contacts.map((c) => [c.gridId, c.kind, c.phone])).toEqual([["G-1", "worker", "+1 (401) 555-0100"]])
    expect(roster.people).toEqual(["p-1", "p-2"])
    expect(roster.asOf).toBe(Instant.unsafeFromIso("2026-11-01T01:00:00Z"))
    expect(Roster.entriesOf(roster, "G-1")).toHaveLength(1)
    expect(Roster.entriesOf(roster, "G-9")).toHaveLength(0)
  })

  it("rejects personal data and unknown fields in the JSON form, with the path", () => {
    const problems = failure(
      Roster.parse(
        JSON.stringify({
          entries: [{ grid_id: "G-1", person_id: "p-1", role: "leader", name: "Wang Li", phone: "123" }],
          contacts: [{ grid_id: "G-1", kind: "home", phone: "call me" }]
        })
      )
    )
    expect(problems.some((p) => p.startsWith("entries[0].name"))).toBe(true)
    expect(problems.some((p) => p.startsWith("entries[0].phone"))).toBe(true)
    expect(problems.some((p) => p.startsWith("contacts[0].kind"))).toBe(true)
    expect(problems.some((p) => p.startsWith("contacts[0].phone") && p.includes("a phone is digits"))).toBe(true)
    expect(failure(Roster.parse("{ not json"))[0]).toMatch(/not valid JSON/)
  })

  it("splits CSV lines with quotes and escaped quotes", () => {
    expect(Roster.splitCsvLine('a,"b,c","d ""e""",')).toEqual(["a", "b,c", 'd "e"', ""])
  })
})
