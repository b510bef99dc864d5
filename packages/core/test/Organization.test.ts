import { assert, describe, expect, it } from "@effect/vitest"
import { Result } from "effect"
import {
  Actor,
  Ids,
  Jurisdiction,
  JurisdictionTree,
  ModuleManifest,
  Organization,
  Permission,
  Role,
  Unit
} from "../src"

const j = (code: string, level: string, parent?: string): Jurisdiction.Jurisdiction =>
  Jurisdiction.Jurisdiction.make({
    code: Ids.JurisdictionCode.make(code),
    name: code,
    level: Jurisdiction.TierName.make(level),
    ...(parent === undefined ? {} : { parent: Ids.JurisdictionCode.make(parent) })
  })

const tree = Result.getOrThrow(
  JurisdictionTree.make({
    tiers: ["village", "township", "county"],
    jurisdictions: [
      j("lx", "county"),
      j("lx.ds", "township", "lx"),
      j("lx.xq", "township", "lx"),
      j("lx.ds.qt", "village", "lx.ds"),
      j("lx.ds.st", "village", "lx.ds"),
      j("lx.xq.hn", "village", "lx.xq")
    ]
  })
)

const unit = (code: string, jurisdiction: string, kind = "office") =>
  Unit.Unit.make({
    code: Ids.UnitCode.make(code),
    name: code,
    kind,
    jurisdiction: Ids.JurisdictionCode.make(jurisdiction)
  })

const role = (code: string, permissions: ReadonlyArray<string>, inheritDefaults = true) =>
  Role.Role.make({ code: Ids.RoleCode.make(code), name: code, permissions, inheritDefaults })

const actorId = (n: number) => Ids.ActorId.make(`019a6f40-0000-7000-8000-${String(n).padStart(12, "0")}`)

const assignment = ([unit, role]: readonly [string, string]) =>
  Actor.Assignment.make({ unit: Ids.UnitCode.make(unit), role: Ids.RoleCode.make(role) })

const actor = (n: number, first: readonly [string, string], ...rest: ReadonlyArray<readonly [string, string]>) =>
  Actor.Actor.make({ id: actorId(n), name: `Actor ${n}`, assignments: [assignment(first), ...rest.map(assignment)] })

// A module declaring two actions, with a default role for one of them.
const petition = ModuleManifest.make({
  name: "petition",
  version: "1.0.0",
  description: "test petition module",
  settings: Role.Role, // any schema; settings are not used here
  permissions: {
    accept: { description: "Accept a matter", defaultRoles: ["handler"] },
    reply: { description: "Reply to a matter", defaultRoles: [] }
  }
})
const catalog = ModuleManifest.permissionsOf(petition)

const units = [
  unit("xfj", "lx", "bureau"),
  unit("ds.center", "lx.ds", "center"),
  unit("qt.mc", "lx.ds.qt", "committee")
]
const roles = [
  role("handler", ["petition.reply"]),
  role("clerk", ["petition.accept"], false),
  role("leader", ["petition.*"]),
  role("auditor", [], false)
]
const actors = [
  actor(1, ["ds.center", "handler"]),
  actor(2, ["xfj", "leader"]),
  actor(3, ["qt.mc", "clerk"], ["xfj", "auditor"])
]

const organization = Result.getOrThrow(Organization.make({ tree, units, roles, actors, catalog }))

describe("Organization.can", () => {
  it("allows an action in the unit's jurisdiction and everything below it", () => {
    expect(organization.can(actorId(1), "petition.reply", "lx.ds")).toBe(true)
    expect(organization.can(actorId(1), "petition.reply", "lx.ds.qt")).toBe(true)
    expect(organization.can(actorId(1), "petition.reply", "lx.ds.st")).toBe(true)
  })

  it("denies it in sibling and parent jurisdictions", () => {
    expect(organization.can(actorId(1), "petition.reply", "lx.xq")).toBe(false)
    expect(organization.can(actorId(1), "petition.reply", "lx.xq.hn")).toBe(false)
    expect(organization.can(actorId(1), "petition.reply", "lx")).toBe(false)
  })

  it("grants module defaults to roles named in the manifest, unless the role opts out", () => {
    expect(organization.grantsOf("handler")).toEqual(["petition.reply", "petition.accept"])
    expect(organization.can(actorId(1), "petition.accept", "lx.ds.qt")).toBe(true)
    expect(organization.grantsOf("auditor")).toEqual([])
  })

  it("lets a wildcard cover every action of a module and nothing else", () => {
    expect(organization.can(actorId(2), "petition.accept", "lx.xq.hn")).toBe(true)
    expect(organization.can(actorId(2), "petition.reply", "lx")).toBe(true)
    expect(organization.can(actorId(2), "mediation.assign", "lx")).toBe(false)
  })

  it("uses the assignment whose role grants the action (one staff, several roles)", () => {
    expect(organization.can(actorId(3), "petition.accept", "lx.ds.qt")).toBe(true)
    expect(organization.can(actorId(3), "petition.accept", "lx.ds.st")).toBe(false)
    expect(organization.can(actorId(3), "petition.reply", "lx.ds.qt")).toBe(false)
  })

  it("explains its answer", () => {
    const allowed = organization.authorize(actorId(2), "petition.accept", "lx.ds.qt")
    assert(allowed._tag === "Allowed")
    expect([allowed.unit.code, allowed.role.code, allowed.grantedBy]).toEqual(["xfj", "leader", "petition.*"])
    const outside = organization.authorize(actorId(1), "petition.reply", "lx.xq")
    assert(outside._tag === "Denied")
    expect(outside.reason).toBe("Actor 1 holds petition.reply only in lx.ds, which does not cover lx.xq")
    const noRole = organization.authorize(actorId(1), "mediation.assign", "lx.ds")
    assert(noRole._tag === "Denied")
    expect(noRole.reason).toBe("none of Actor 1's roles grants mediation.assign")
    expect(organization.authorize(actorId(9), "petition.reply", "lx")).toEqual({
      _tag: "Denied",
      reason: `unknown actor ${actorId(9)}`
    })
    expect(organization.can(actorId(2), "petition.reply", "nowhere")).toBe(false)
  })

  it("lists units covering a jurisdiction, nearest first, and who may act there", () => {
    expect(organization.unitsCovering("lx.ds.qt").map((u) => u.code)).toEqual(["qt.mc", "ds.center", "xfj"])
    expect(organization.unitsAt("lx.ds").map((u) => u.code)).toEqual(["ds.center"])
    expect(organization.actorsAllowed("petition.accept", "lx.ds.qt").map((a) => a.id)).toEqual([
      actorId(1),
      actorId(2),
      actorId(3)
    ])
    expect(organization.actorsAllowed("petition.accept", "lx.xq").map((a) => a.id)).toEqual([actorId(2)])
    expect(organization.actorsIn("xfj").map((a) => a.id)).toEqual([actorId(2), actorId(3)])
  })
})

describe("Organization.validate", () => {
  it("reports duplicates, unknown jurisdictions, units, roles and permissions all at once", () => {
    const problems = Organization.validate({
      units: [...units, unit("xfj", "lx"), unit("far", "lx.nowhere")],
      roles: [...roles, role("typo", ["petition.acept", "mediation.assign"])],
      actors: [...actors, actor(4, ["no.unit", "handler"], ["xfj", "no-role"]), actor(1, ["xfj", "leader"])],
      catalog,
      hasJurisdiction: (code) => tree.has(code)
    })
    expect(problems.map((p) => [p.path.join("."), p.rule])).toEqual([
      ["units.3.code", "organization.duplicate-code"],
      ["actors.4.id", "organization.duplicate-id"],
      ["units.4.jurisdiction", "organization.unknown-jurisdiction"],
      ["roles.4.permissions.0", "organization.unknown-permission"],
      ["actors.3.assignments.0.unit", "organization.unknown-unit"],
      ["actors.3.assignments.1.role", "organization.unknown-role"]
    ])
  })

  it("fails make with the problems", () => {
    const result = Organization.make({ tree, units: [unit("x", "nowhere")], roles: [], actors: [] })
    assert(Result.isFailure(result))
    expect(result.failure.map((p) => p.rule)).toEqual(["organization.unknown-jurisdiction"])
  })
})

describe("Permission", () => {
  it("matches exact permissions, module wildcards and the global wildcard", () => {
    expect(Permission.matches("petition.accept", "petition.accept")).toBe(true)
    expect(Permission.matches("petition.accept", "petition.reply")).toBe(false)
    expect(Permission.matches("petition.*", "petition.reply")).toBe(true)
    expect(Permission.matches("petition.*", "petitions.reply")).toBe(false)
    expect(Permission.matches("*", "anything.at-all")).toBe(true)
    expect(Permission.moduleOf("mediation.assign")).toBe("mediation")
  })
})
