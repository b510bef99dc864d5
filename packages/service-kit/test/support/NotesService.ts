/**
 * A small service built with the kit, used by the tests: notes filed in a jurisdiction.
 * Its layer holds an in-memory repository and a `Gate` the tests open to let slow
 * requests finish.
 */
import { Ids } from "@gridwork/core"
import { Context, Deferred, Effect, Layer, Ref, Schema } from "effect"
import { TestClock } from "effect/testing"
import {
  Authorization,
  DevIssuer,
  FieldFilter,
  HttpProblem,
  IdempotencyStore,
  PersonalDataAccessLog,
  RequestContext,
  Route,
  ServiceApp
} from "../../src/index"

export class Note extends Schema.Class<Note>("Note")({
  id: Schema.String,
  jurisdiction: Schema.String,
  title: Schema.String,
  priority: Schema.Int,
  tags: Schema.Array(Schema.String),
  author: Schema.String,
  firstEventId: Schema.String
}) {}

export const CreateNote = Schema.Struct({
  jurisdiction: Ids.JurisdictionCode,
  title: Schema.String.check(Schema.isMinLength(1), Schema.isMaxLength(100)),
  priority: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 5 })),
  tags: Schema.optional(Schema.Array(Schema.String.check(Schema.isMaxLength(20))).check(Schema.isMaxLength(5))),
  contact: Schema.optional(
    Schema.Struct({
      name: Schema.String,
      phone: Schema.String.check(Schema.isPattern(/^\+?[0-9 -]{5,20}$/, { expected: "a phone number" }))
    })
  )
}).annotate({ identifier: "CreateNote" })

export const NoteView = Schema.Struct({
  id: Schema.String,
  jurisdiction: Schema.String,
  title: Schema.String,
  contact: Schema.optional(
    Schema.Struct({ name: Schema.optional(Schema.String), phone: Schema.optional(Schema.String) })
  )
}).annotate({ identifier: "NoteView" })

export class NoteNotFound extends Schema.TaggedError<NoteNotFound>()("NoteNotFound", { id: Schema.String }) {}
export class NoteArchived extends Schema.TaggedError<NoteArchived>()("NoteArchived", { id: Schema.String }) {}

interface StoredNote {
  readonly note: Note
  readonly contact: { readonly name: string; readonly phone: string } | undefined
}

export class Notes extends Context.Service<
  Notes,
  {
    readonly save: (note: StoredNote) => Effect.Effect<void>
    readonly find: (id: string) => Effect.Effect<StoredNote, NoteNotFound>
    readonly count: Effect.Effect<number>
    /** Counts handler executions: returns the new total. */
    readonly executed: Effect.Effect<number>
  }
>()("test/Notes") {
  static readonly layer = Layer.effect(
    Notes,
    Effect.gen(function* () {
      const store = yield* Ref.make(new Map<string, StoredNote>())
      const executions = yield* Ref.make(0)
      return Notes.of({
        executed: Ref.updateAndGet(executions, (n) => n + 1),
        save: (note) => Ref.update(store, (map) => new Map(map).set(note.note.id, note)),
        find: (id) =>
          Effect.flatMap(Ref.get(store), (map) => {
            const found = map.get(id)
            return found === undefined ? Effect.fail(new NoteNotFound({ id })) : Effect.succeed(found)
          }),
        count: Effect.map(Ref.get(store), (map) => map.size)
      })
    })
  )
}

/** Lets tests hold slow requests until they open it. */
export class Gate extends Context.Service<
  Gate,
  { readonly open: Effect.Effect<void>; readonly wait: Effect.Effect<void>; readonly entered: Effect.Effect<void> }
>()("test/Gate") {
  static readonly layer = Layer.effect(
    Gate,
    Effect.gen(function* () {
      const gate = yield* Deferred.make<void>()
      const entered = yield* Deferred.make<void>()
      return Gate.of({
        open: Deferred.succeed(gate, undefined),
        wait: Effect.andThen(Deferred.succeed(entered, undefined), Deferred.await(gate)),
        entered: Deferred.await(entered)
      })
    })
  )
}

interface NoteWithContact {
  readonly id: string
  readonly jurisdiction: string
  readonly title: string
  readonly contact?: { readonly name: string; readonly phone: string }
}

export const contactFilter = FieldFilter.make({
  resource: "note",
  fields: { "contact.name": "personal", "contact.phone": "sensitive" },
  access: { personal: ["note-handler", "supervisor"], sensitive: ["note-handler"] },
  personal: ["personal", "sensitive"],
  subjectOf: (view: NoteWithContact) => `contact-of-${view.id}`
})

export const createNote = Route.post("/notes", {
  operationId: "createNote",
  summary: "Files a note in a jurisdiction",
  tags: ["notes"],
  permission: "note.create",
  body: CreateNote,
  success: Note,
  status: 201,
  jurisdiction: ({ body }) => body.jurisdiction,
  responseHeaders: (note) => ({ location: `/notes/${note.id}` }),
  handler: ({ body }) =>
    Effect.gen(function* () {
      const notes = yield* Notes
      const commandId = yield* RequestContext.commandId
      const firstEventId = yield* RequestContext.eventId(0)
      const principal = yield* RequestContext.principal
      const note = new Note({
        id: commandId,
        jurisdiction: body.jurisdiction,
        title: body.title,
        priority: body.priority,
        tags: [...(body.tags ?? [])],
        author: principal.subject,
        firstEventId
      })
      yield* notes.save({ note, contact: body.contact })
      return note
    })
})

export const getNote = Route.get("/notes/:id", {
  operationId: "getNote",
  summary: "Reads a note, personal fields filtered by role",
  tags: ["notes"],
  permission: "note.read",
  params: Schema.Struct({ id: Schema.String.check(Schema.isUUID(7)) }),
  success: NoteView,
  errors: {
    NoteNotFound: { status: 404, title: "Note not found", detail: (error: NoteNotFound) => `No note ${error.id}` }
  },
  handler: ({ params }) =>
    Effect.gen(function* () {
      const notes = yield* Notes
      const stored = yield* notes.find(params.id)
      yield* Authorization.requireJurisdiction(stored.note.jurisdiction)
      const view: NoteWithContact = {
        id: stored.note.id,
        jurisdiction: stored.note.jurisdiction,
        title: stored.note.title,
        ...(stored.contact === undefined ? {} : { contact: stored.contact })
      }
      return yield* contactFilter.apply(view, "note-handling")
    })
})

export const searchNotes = Route.get("/notes", {
  operationId: "searchNotes",
  summary: "Counts notes (query decoding demo)",
  auth: "optional",
  query: Schema.Struct({
    limit: Schema.optional(
      Schema.NumberFromString.check(Schema.isInt(), Schema.isBetween({ minimum: 1, maximum: 100 }))
    ),
    q: Schema.optional(Schema.String)
  }),
  success: Schema.Struct({ count: Schema.Int, limit: Schema.Int }),
  handler: ({ query }) =>
    Effect.map(
      Notes.use((notes) => notes.count),
      (count) => ({ count, limit: query.limit ?? 20 })
    )
})

export const archiveNote = Route.patch("/notes/:id/archive", {
  operationId: "archiveNote",
  permission: "note.archive",
  params: Schema.Struct({ id: Schema.String }),
  body: Schema.Struct({ reason: Schema.String.check(Schema.isMinLength(3)) }),
  errors: { NoteArchived: { status: 409, title: "Note already archived" } },
  handler: ({ params }) => Effect.fail(new NoteArchived({ id: params.id }))
})

export const slowEcho = Route.post("/slow", {
  operationId: "slowEcho",
  auth: "none",
  body: Schema.Struct({ value: Schema.Finite }),
  success: Schema.Struct({ value: Schema.Finite, commandId: Schema.String }),
  handler: ({ body }) =>
    Effect.gen(function* () {
      const gate = yield* Gate
      yield* gate.wait
      return { value: body.value, commandId: yield* RequestContext.commandId }
    })
})

export const echo = Route.post("/echo", {
  operationId: "echo",
  auth: "none",
  body: CreateNote,
  success: Schema.Struct({
    title: Schema.String,
    calls: Schema.Int,
    commandId: Schema.String,
    firstEventId: Schema.String,
    secondEventId: Schema.String
  }),
  handler: ({ body }) =>
    Effect.gen(function* () {
      const notes = yield* Notes
      const commandId = yield* RequestContext.commandId
      const firstEventId = yield* RequestContext.eventId(0)
      yield* notes.save({
        note: new Note({
          id: commandId,
          jurisdiction: body.jurisdiction,
          title: body.title,
          priority: body.priority,
          tags: [],
          author: "anonymous",
          firstEventId
        }),
        contact: undefined
      })
      return {
        title: body.title,
        calls: yield* notes.executed,
        commandId,
        firstEventId,
        secondEventId: yield* RequestContext.eventId(1)
      }
    })
})

export const flaky = Route.post("/flaky", {
  operationId: "flaky",
  auth: "none",
  body: Schema.Struct({ value: Schema.Finite }),
  success: Schema.Struct({ commandId: Schema.String, attempt: Schema.Int }),
  handler: () =>
    Effect.gen(function* () {
      const attempt = yield* Notes.use((notes) => notes.executed)
      if (attempt === 1) return yield* Effect.die(new Error("first attempt fails"))
      return { commandId: yield* RequestContext.commandId, attempt }
    })
})

export const boom = Route.post("/boom", {
  operationId: "boom",
  auth: "none",
  body: Schema.Struct({ secret: Schema.String }),
  success: Schema.Struct({ ok: Schema.Boolean }),
  handler: ({ body }) => Effect.die(new Error(`database exploded while storing ${body.secret}`))
})

export const forbiddenProblem = Route.get("/teapot", {
  operationId: "teapot",
  auth: "none",
  success: Schema.Struct({ ok: Schema.Boolean }),
  handler: () => Effect.fail(HttpProblem.HttpProblem.ofStatus(418, "urn:gridwork:problem:teapot", "short and stout"))
})

export const hang = Route.get("/hang", {
  operationId: "hang",
  auth: "none",
  timeoutMs: 1000,
  success: Schema.Struct({ ok: Schema.Boolean }),
  handler: () =>
    Effect.as(
      Gate.use((gate) => gate.wait),
      { ok: true }
    )
})

export const routes = [
  createNote,
  getNote,
  searchNotes,
  archiveNote,
  slowEcho,
  echo,
  flaky,
  boom,
  forbiddenProblem,
  hang
]

export interface FixtureOptions {
  readonly testClock?: boolean
  readonly ttlMs?: number
  readonly isWithin?: (jurisdiction: string, scope: string) => boolean
}

export const ISSUER = "http://issuer.test"
export const AUDIENCE = "gridwork-notes"

/** Builds the notes service with a development issuer; `logs` collects every log line. */
export const makeFixture = async (options: FixtureOptions = {}) => {
  const issuer = await Effect.runPromise(DevIssuer.make({ issuer: ISSUER, audience: AUDIENCE }))
  const logs: Array<string> = []
  const layer = Layer.mergeAll(
    Notes.layer,
    Gate.layer,
    PersonalDataAccessLog.PersonalDataAccessLog.layerMemory,
    options.testClock === false ? Layer.empty : TestClock.layer()
  )
  const app = ServiceApp.make({
    info: { title: "Notes", version: "1.0.0", description: "A test service" },
    layer,
    idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
    routes,
    authentication: issuer.verifierOptions,
    authorization: {
      roles: {
        "note-handler": ["note.*"],
        supervisor: ["note.read"],
        clerk: ["note.create"]
      },
      isWithin:
        options.isWithin ?? ((jurisdiction, scope) => jurisdiction === scope || jurisdiction.startsWith(`${scope}.`))
    },
    ...(options.ttlMs === undefined ? {} : { idempotency: { ttlMs: options.ttlMs } }),
    bodyLimitBytes: 4096,
    log: { sink: (line) => logs.push(line), minimumLevel: "Info" }
  })
  const token = async (request: DevIssuer.MintRequest) => {
    const exit = await app.run(issuer.mint(request))
    if (exit._tag === "Failure") throw new Error("mint failed")
    return exit.value
  }
  return { app, issuer, logs, token }
}

export type Fixture = Awaited<ReturnType<typeof makeFixture>>

/** A fresh UUIDv7 idempotency key. */
export const newKey = (): string => Effect.runSync(Ids.makeUuidV7)

export const jsonPost = (
  body: unknown,
  headers: Record<string, string> = {}
): { method: string; body: string; headers: Record<string, string> } => ({
  method: "POST",
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "content-type": "application/json", "idempotency-key": newKey(), ...headers }
})
