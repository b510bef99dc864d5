import { describe, it } from "@effect/vitest"
import { Decider, Instant } from "@gridwork/core"
import { DeciderSpec } from "@gridwork/core/testing"
import { assert } from "vitest"
import { GridRosterReplaced } from "../src/domain/GridEvents"
import * as GridRoster from "../src/domain/GridRoster"

const at = Instant.unsafeFromIso("2026-11-01T09:00:00+08:00")
const current = new Set(["3-1", "3-2"])
const members = [
  { personId: "p-1042", role: "leader" },
  { personId: "p-2001", role: "police-liaison" }
]
const contacts = [{ kind: "worker", phone: "+1 401 555 0100" }] as const

const replace = (
  gridId: string,
  overrides: Partial<GridRoster.ReplaceGridRoster> = {}
): GridRoster.ReplaceGridRoster => ({
  _tag: "ReplaceGridRoster",
  gridId,
  members,
  contacts,
  version: 1,
  currentGridIds: current,
  at,
  by: "coordinator",
  ...overrides
})

const replaced = new GridRosterReplaced({
  gridId: "3-1",
  version: 1,
  members,
  contacts,
  changedAt: at,
  changedBy: "coordinator"
})

const spec = DeciderSpec.given(GridRoster.decider)

describe("GridRoster", () => {
  it("sets a grid's roster", () => {
    spec([]).when(replace("3-1")).then([replaced])
  })

  it("changes nothing when the roster is the same", () => {
    spec([replaced]).when(replace("3-1")).then([])
  })

  it("refuses a grid that is not in the version in force", () => {
    spec([])
      .when(replace("9-9"))
      .thenError(new GridRoster.UnknownGrid({ gridId: "9-9", version: 1 }))
  })

  it("refuses the same person twice in one role, and two lines of one kind", () => {
    spec([])
      .when(replace("3-1", { members: [...members, { personId: "p-1042", role: "leader" }] }))
      .thenError(new GridRoster.DuplicateMember({ index: 2, first: 0 }))
    spec([])
      .when(
        replace("3-1", {
          contacts: [
            { kind: "worker", phone: "+1 401 555 0100" },
            { kind: "worker", phone: "+1 401 555 0101" }
          ]
        })
      )
      .thenError(new GridRoster.DuplicateContact({ index: 1, first: 0 }))
  })

  it("lets one person serve several grids and hold several roles", () => {
    const second = replace("3-2", {
      members: [
        { personId: "p-2001", role: "police-liaison" },
        { personId: "p-2001", role: "mediator" }
      ]
    })
    const decision = spec([replaced]).when(second).result
    assert.strictEqual(decision._tag, "Success")
  })

  it("turns the state into a grid roster, restricted to the grids asked for", () => {
    const other = new GridRosterReplaced({
      gridId: "3-2",
      version: 1,
      members: [{ personId: "p-7", role: "leader" }],
      contacts: [],
      changedAt: Instant.fromMillis(at + 1000),
      changedBy: "coordinator"
    })
    const state = Decider.fold(GridRoster.decider, [replaced, other])
    const all = GridRoster.toRoster(state)
    assert.deepStrictEqual(
      all.entries.map((e) => [e.gridId, e.personId, e.role]),
      [
        ["3-1", "p-1042", "leader"],
        ["3-1", "p-2001", "police-liaison"],
        ["3-2", "p-7", "leader"]
      ]
    )
    assert.strictEqual(all.asOf, at + 1000)
    assert.deepStrictEqual(
      GridRoster.toRoster(state, new Set(["3-2"])).entries.map((e) => e.gridId),
      ["3-2"]
    )
  })
})
