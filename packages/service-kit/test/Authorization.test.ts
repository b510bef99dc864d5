import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { Authorization, Principal, RequestContext } from "../src/index"
import { jsonPost, makeFixture, newKey } from "./support/NotesService"

const principal = (roles: ReadonlyArray<string>, jurisdictions: ReadonlyArray<string>) =>
  Schema.decodeUnknownSync(Principal.Principal)({ subject: "s", issuer: "i", roles, jurisdictions })

describe("Authorization", () => {
  const policy = Authorization.make({
    roles: { handler: ["note.*"], reader: ["note.read"], root: ["*"] },
    isWithin: (jurisdiction, scope) => jurisdiction === scope || jurisdiction.startsWith(`${scope}.`)
  })

  it("grants permissions through role patterns", () => {
    assert.isTrue(policy.can(principal(["handler"], []), "note.create"))
    assert.isTrue(policy.can(principal(["reader"], []), "note.read"))
    assert.isFalse(policy.can(principal(["reader"], []), "note.create"))
    assert.isFalse(policy.can(principal(["handler"], []), "petition.accept"))
    assert.isTrue(policy.can(principal(["root"], []), "petition.accept"))
    assert.isFalse(policy.can(principal(["unknown-role"], []), "note.read"))
  })

  it("checks jurisdictions with the plugged containment", () => {
    const clerk = principal([], ["lanxi.east"])
    assert.isTrue(policy.inScope(clerk, "lanxi.east"))
    assert.isTrue(policy.inScope(clerk, "lanxi.east.village-3"))
    assert.isFalse(policy.inScope(clerk, "lanxi"))
    assert.isFalse(policy.inScope(clerk, "lanxi.eastern"))
    assert.isFalse(Authorization.make({ roles: {} }).inScope(clerk, "lanxi.east.village-3"), "default is equality")
  })

  it("refuses invalid role grants with the path", () => {
    assert.throws(() => Authorization.make({ roles: { handler: ["Note Create"] } }), /\/roles\/handler\/0/)
  })

  it.effect("requirePermission and requireJurisdiction answer 401 / 403 problems", () => {
    const context = (value: Option.Option<Principal.Principal>) =>
      RequestContext.RequestContext.of({
        requestId: "r-00000001",
        method: "GET",
        route: "/x",
        principal: value,
        idempotencyKey: Option.none(),
        commandId: Option.none()
      })
    const run = <A>(
      effect: Effect.Effect<A, unknown, RequestContext.RequestContext | Authorization.Authorizer>,
      who: Option.Option<Principal.Principal>
    ) =>
      effect.pipe(
        Effect.provideService(RequestContext.RequestContext, context(who)),
        Effect.provide(Authorization.Authorizer.layer({ roles: { reader: ["note.read"] } })),
        Effect.flip,
        Effect.map((error) => (error as { status: number }).status)
      )
    return Effect.gen(function* () {
      assert.strictEqual(yield* run(Authorization.requirePermission("note.read"), Option.none()), 401)
      assert.strictEqual(
        yield* run(Authorization.requirePermission("note.create"), Option.some(principal(["reader"], []))),
        403
      )
      assert.strictEqual(
        yield* run(Authorization.requireJurisdiction("lanxi"), Option.some(principal(["reader"], ["anji"]))),
        403
      )
      const allowed = yield* Authorization.requirePermission("note.read").pipe(
        Effect.provideService(RequestContext.RequestContext, context(Option.some(principal(["reader"], [])))),
        Effect.provide(Authorization.Authorizer.layer({ roles: { reader: ["note.read"] } }))
      )
      assert.strictEqual(allowed.subject, "s")
    })
  })

  it("checks route permissions before reading the body, and jurisdictions against the scope", async () => {
    const { app, token } = await makeFixture()
    const reader = await token({ subject: "r", roles: ["supervisor"], jurisdictions: ["lanxi"] })
    const noPermission = await app.request("/notes", jsonPost("{not even json", { authorization: `Bearer ${reader}` }))
    assert.strictEqual(noPermission.status, 403)
    const body = (await noPermission.json()) as { type: string; detail: string }
    assert.strictEqual(body.type, "urn:gridwork:problem:forbidden")
    assert.include(body.detail, "note.create")

    const clerk = await token({ subject: "c", roles: ["clerk"], jurisdictions: ["lanxi.east"] })
    const inside = await app.request(
      "/notes",
      jsonPost({ jurisdiction: "lanxi.east.village-3", title: "t", priority: 1 }, { authorization: `Bearer ${clerk}` })
    )
    assert.strictEqual(inside.status, 201)
    const outside = await app.request(
      "/notes",
      jsonPost({ jurisdiction: "lanxi.west", title: "t", priority: 1 }, { authorization: `Bearer ${clerk}` })
    )
    assert.strictEqual(outside.status, 403)
    assert.include(((await outside.json()) as { detail: string }).detail, "lanxi.west")
  })

  it("checks a jurisdiction known only after loading, inside the handler", async () => {
    const { app, token } = await makeFixture()
    const clerk = await token({ subject: "c", roles: ["clerk"], jurisdictions: ["lanxi.east"] })
    const created = await app.request(
      "/notes",
      jsonPost({ jurisdiction: "lanxi.east", title: "t", priority: 1 }, { authorization: `Bearer ${clerk}` })
    )
    const { id } = (await created.json()) as { id: string }
    const elsewhere = await token({ subject: "h", roles: ["note-handler"], jurisdictions: ["lanxi.west"] })
    const denied = await app.request(`/notes/${id}`, { headers: { authorization: `Bearer ${elsewhere}` } })
    assert.strictEqual(denied.status, 403)
    const local = await token({ subject: "h2", roles: ["note-handler"], jurisdictions: ["lanxi"] })
    const allowed = await app.request(`/notes/${id}`, { headers: { authorization: `Bearer ${local}` } })
    assert.strictEqual(allowed.status, 200)
    assert.strictEqual(
      (await app.request(`/notes/${newKey()}`, { headers: { authorization: `Bearer ${local}` } })).status,
      404
    )
  })
})
