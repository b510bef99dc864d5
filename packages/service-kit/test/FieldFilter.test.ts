import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Schema } from "effect"
import { TestClock } from "effect/testing"
import { FieldFilter, PersonalDataAccessLog, Principal, RequestContext } from "../src/index"
import { makeFixture } from "./support/NotesService"

interface CaseView {
  readonly id: string
  readonly category: string
  readonly complainant: { readonly id: string; readonly name: string; readonly phone: string }
  readonly witnesses: ReadonlyArray<{ readonly name: string; readonly statement: string }>
}

const filter = FieldFilter.make({
  resource: "case",
  fields: {
    "complainant.name": "personal",
    "complainant.phone": "sensitive",
    "witnesses.name": "personal",
    category: "public"
  },
  access: { personal: ["handler", "supervisor"], sensitive: ["handler"], public: "everyone" },
  personal: ["personal", "sensitive"],
  subjectOf: (view: CaseView) => view.complainant.id
})

const view: CaseView = {
  id: "case-1",
  category: "noise",
  complainant: { id: "person-7", name: "Wang Fang", phone: "+86 138 0000 0000" },
  witnesses: [
    { name: "Li Lei", statement: "loud" },
    { name: "Han Meimei", statement: "very loud" }
  ]
}

const principal = (roles: ReadonlyArray<string>) =>
  Schema.decodeUnknownSync(Principal.Principal)({
    subject: `user-${roles.join("-")}`,
    issuer: "i",
    roles,
    jurisdictions: []
  })

describe("FieldFilter", () => {
  it("removes the fields a role may not see, through nested objects and arrays", () => {
    const supervisor = filter.filter(view, principal(["supervisor"]))
    assert.deepStrictEqual(supervisor.value, {
      id: "case-1",
      category: "noise",
      complainant: { id: "person-7", name: "Wang Fang" },
      witnesses: [
        { name: "Li Lei", statement: "loud" },
        { name: "Han Meimei", statement: "very loud" }
      ]
    })
    assert.deepStrictEqual(supervisor.personalFields, ["complainant.name", "witnesses.name"])
    const anonymous = filter.filter(view, undefined)
    assert.deepStrictEqual(anonymous.value, {
      id: "case-1",
      category: "noise",
      complainant: { id: "person-7" },
      witnesses: [{ statement: "loud" }, { statement: "very loud" }]
    })
    assert.deepStrictEqual(anonymous.personalFields, [])
    assert.deepStrictEqual(filter.hiddenFor(principal(["handler"])), [])
    assert.deepStrictEqual(filter.hiddenFor(undefined), ["complainant.name", "complainant.phone", "witnesses.name"])
    assert.strictEqual(view.complainant.phone, "+86 138 0000 0000", "the input is not mutated")
  })

  it.effect("logs every read of personal fields: who, whose, which fields, when, why; never the values", () =>
    Effect.gen(function* () {
      yield* TestClock.adjust(86_400_000)
      const handler = principal(["handler"])
      const result = yield* filter.apply(view, "case-handling").pipe(
        Effect.provideService(
          RequestContext.RequestContext,
          RequestContext.RequestContext.of({
            requestId: "req-00000001",
            method: "GET",
            route: "/cases/:id",
            principal: Option.some(handler),
            idempotencyKey: Option.none(),
            commandId: Option.none()
          })
        )
      )
      assert.strictEqual(result.complainant?.phone, "+86 138 0000 0000")
      const log = yield* PersonalDataAccessLog.PersonalDataAccessLog
      const entries = yield* log.list({ subject: "person-7" })
      assert.strictEqual(entries.length, 1)
      const entry = entries[0]!
      assert.strictEqual(entry.actor, handler.subject)
      assert.strictEqual(entry.resource, "case")
      assert.deepStrictEqual(entry.fields, ["complainant.name", "complainant.phone", "witnesses.name"])
      assert.strictEqual(entry.purpose, "case-handling")
      assert.strictEqual(entry.at, 86_400_000)
      assert.strictEqual(entry.requestId, "req-00000001")
      const serialized = JSON.stringify(entry)
      for (const value of ["Wang Fang", "138 0000", "Li Lei"]) assert.notInclude(serialized, value)
      assert.deepStrictEqual(yield* log.list({ subject: "someone-else" }), [])
    }).pipe(Effect.provide(PersonalDataAccessLog.PersonalDataAccessLog.layerMemory))
  )

  it("refuses a policy with a class that has no access rule, or a bad path", () => {
    assert.throws(
      () =>
        FieldFilter.make({
          resource: "case",
          fields: { "complainant.phone": "sensitive" },
          access: {},
          personal: ["sensitive"],
          subjectOf: (value: CaseView) => value.id
        }),
      /sensitive/
    )
    assert.throws(
      () =>
        FieldFilter.make({
          resource: "case",
          fields: { "complainant..phone": "public" },
          access: { public: "everyone" },
          personal: [],
          subjectOf: (value: CaseView) => value.id
        }),
      /dotted field path/
    )
  })

  it("filters route responses by role and logs the read, over HTTP", async () => {
    const { app, token } = await makeFixture()
    const clerk = await token({ subject: "clerk", roles: ["clerk"], jurisdictions: ["lanxi"] })
    const created = await app.request("/notes", {
      method: "POST",
      body: JSON.stringify({
        jurisdiction: "lanxi",
        title: "t",
        priority: 1,
        contact: { name: "Wang Fang", phone: "+86 138 0000 0000" }
      }),
      headers: {
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
        authorization: `Bearer ${clerk}`
      }
    })
    const { id } = (await created.json()) as { id: string }
    const supervisor = await token({ subject: "sup", roles: ["supervisor"], jurisdictions: ["lanxi"] })
    const seen = (await (
      await app.request(`/notes/${id}`, { headers: { authorization: `Bearer ${supervisor}` } })
    ).json()) as {
      contact?: { name?: string; phone?: string }
    }
    assert.deepStrictEqual(seen.contact, { name: "Wang Fang" })
    const handler = await token({ subject: "han", roles: ["note-handler"], jurisdictions: ["lanxi"] })
    const full = (await (
      await app.request(`/notes/${id}`, { headers: { authorization: `Bearer ${handler}` } })
    ).json()) as {
      contact?: { name?: string; phone?: string }
    }
    assert.deepStrictEqual(full.contact, { name: "Wang Fang", phone: "+86 138 0000 0000" })
    const entries = await app.run(
      PersonalDataAccessLog.PersonalDataAccessLog.use((log) => log.list({ subject: `contact-of-${id}` }))
    )
    assert.strictEqual(entries._tag, "Success")
    if (entries._tag === "Success") {
      assert.deepStrictEqual(
        entries.value.map((entry) => [entry.actor, entry.fields]),
        [
          ["sup", ["contact.name"]],
          ["han", ["contact.name", "contact.phone"]]
        ]
      )
    }
  })
})
