/**
 * The accountability service in-process for the HTTP tests: the Lanxi County model with
 * its draft escalation policy (examples/localities), in-memory stores, the in-process
 * bus, a generated signing key, a development token issuer, and a `TestClock` starting
 * on Monday 28 September 2026, 08:00 in Lanxi.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Ids, Instant, type LocalityModel, ModelParser, PolicyOverlay } from "@gridwork/core"
import { DevIssuer, type ServiceApp } from "@gridwork/service-kit"
import { type Duration, Effect, Exit, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { App, Locality, SigningKey, Storage, Transport } from "../../src/index"

const examples = (path: string) => fileURLToPath(new URL(`../../../../examples/localities/${path}`, import.meta.url))

/** The Lanxi model as written, with the draft escalation policy applied when `withEscalation`. */
export const lanxiModel = (withEscalation = true): LocalityModel.LocalityModel => {
  const file = examples("lanxi-county.yaml")
  const model = Result.getOrThrow(ModelParser.parseModel(readFileSync(file, "utf8"), file))
  if (!withEscalation) return model
  const draft = examples("policies/lanxi-escalation-draft.yaml")
  return Result.getOrThrow(PolicyOverlay.apply(model, readFileSync(draft, "utf8"), draft))
}

/** The text of a file of examples/localities. */
export const exampleText = (path: string): string => readFileSync(examples(path), "utf8")

/** Monday 28 September 2026, 08:00 in Lanxi (UTC+8). */
export const START = Instant.unsafeFromIso("2026-09-28T08:00:00+08:00")

/** Actors of the Lanxi model. */
export const actors = {
  /** Zhou Min, registrar and case handler at the county bureau. */
  zhouMin: "019a6f40-0000-7000-8000-000000000001",
  /** Chen Jian, leader at the county bureau (may approve extensions). */
  chenJian: "019a6f40-0000-7000-8000-000000000002"
} as const

/** Units of the Lanxi model. */
export const units = {
  village: "lanxi.dongshan.qiaotou.cwh",
  town: "lanxi.dongshan.zzzx",
  county: "lanxi.zzzx"
} as const

/** What a test's requests are made with. */
export interface Caller {
  readonly subject?: string
  readonly roles: ReadonlyArray<string>
  readonly jurisdictions?: ReadonlyArray<string>
}

/** The leader of the county, with every responsibility permission over the whole county. */
export const leader: Caller = { subject: actors.chenJian, roles: ["leader"], jurisdictions: ["lanxi"] }
/** An integration account that may record events. */
export const integration: Caller = { subject: "petition-service", roles: ["gridwork-service"], jurisdictions: [] }

let eventCounter = 0

/** A deterministic, unique event id (UUIDv7) stamped with `at`. */
export const eventId = (at: number): Ids.EventId =>
  Ids.EventId.make(Ids.formatUuidV7(at, 0xabc, ++eventCounter, process.pid))

/** A fresh UUIDv7 idempotency key. */
export const newKey = (): string => Effect.runSync(Ids.makeUuidV7)

/** A CloudEvents body for `POST /v1/events`. */
export const cloudEvent = (
  type: string,
  subject: string,
  time: string,
  data: Record<string, unknown> = {},
  id?: string
) => ({
  specversion: "1.0",
  id: id ?? eventId(Instant.unsafeFromIso(time)),
  source: "/gridwork/lanxi/petition",
  type: `gridwork.petition.${type}.v1`,
  subject,
  time,
  datacontenttype: "application/json",
  data
})

/** Options of {@link makeFixture}. */
export interface FixtureOptions {
  readonly withEscalation?: boolean
  readonly stores?: Layer.Layer<Storage.Stores>
  readonly checkpointEvery?: Duration.Input
}

/** Builds the service; remember to `dispose` it. */
export const makeFixture = async (options: FixtureOptions = {}) => {
  const issuer = await Effect.runPromise(
    DevIssuer.make({ issuer: "urn:gridwork:test", audience: "gridwork-accountability" })
  )
  const logs: Array<string> = []
  const model = lanxiModel(options.withEscalation ?? true)
  const app: ServiceApp.ServiceApp<App.Services<never> | TestClock.TestClock | ServiceApp.KitServices> = App.make({
    locality: Locality.make(model),
    stores: options.stores ?? Storage.layerMemory(model.locality.id),
    transport: Transport.layerInProcess({ pollInterval: "1 hour" }),
    signingKey: SigningKey.SigningKey.layerGenerated,
    authentication: issuer.verifierOptions,
    // The clock starts at START before any background fiber sleeps (setting it later would
    // wake the drivers once per period since 1970).
    clock: Layer.effectDiscard(TestClock.setTime(START)).pipe(Layer.provideMerge(TestClock.layer())),
    checkpointEvery: options.checkpointEvery ?? "1 day",
    deadlines: { maxTick: "1 hour", retryAfter: "1 hour" },
    log: { sink: (line) => logs.push(line) }
  })
  const run = async <A, E>(effect: Effect.Effect<A, E, App.Services<never> | TestClock.TestClock>): Promise<A> => {
    const exit = await app.run(effect)
    if (Exit.isFailure(exit)) throw new Error(`effect failed: ${String(exit.cause)}`)
    return exit.value
  }

  /** A bearer token for the caller, minted at the test clock's time. */
  const token = (caller: Caller): Promise<string> =>
    run(
      issuer.mint({
        subject: caller.subject ?? "tester",
        roles: caller.roles,
        jurisdictions: caller.jurisdictions ?? ["lanxi"],
        expiresInSeconds: 3600
      })
    )

  const headersFor = async (caller: Caller | undefined, extra: Record<string, string>) => ({
    ...(caller === undefined ? {} : { authorization: `Bearer ${await token(caller)}` }),
    ...extra
  })

  /** `POST path` with a JSON body (a fresh Idempotency-Key unless one is given). */
  const post = async (path: string, body: unknown, caller: Caller | undefined, extra: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: await headersFor(caller, { "content-type": "application/json", "idempotency-key": newKey(), ...extra })
    })

  /** `GET path`. */
  const get = async (path: string, caller: Caller | undefined, extra: Record<string, string> = {}) =>
    app.request(path, { headers: await headersFor(caller, extra) })

  /** Moves the test clock forward (deadlines due by then fire before it returns). */
  const advance = (duration: Duration.Input) => run(TestClock.adjust(duration))

  /** Sets the test clock (forward only). */
  const at = (iso: string) => run(TestClock.setTime(Instant.unsafeFromIso(iso)))

  return { app, issuer, logs, model, run, token, post, get, advance, at, dispose: () => app.dispose() }
}

/** A built fixture. */
export type Fixture = Awaited<ReturnType<typeof makeFixture>>

/** The JSON body of a response. */
export const json = async <A = Record<string, unknown>>(response: Response): Promise<A> => (await response.json()) as A

/** A problem+json body. */
export interface ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly errors?: ReadonlyArray<{
    readonly in: string
    readonly path: string
    readonly rule: string
    readonly message: string
  }>
}

/** An obligation as the API shows it. */
export interface ObligationBody {
  readonly id: string
  readonly subject: string
  readonly rule: string
  readonly status: string
  readonly owner: { readonly unit: string; readonly role?: string; readonly actor?: string }
  readonly due: string
  readonly openedAt: string
  readonly extensions: number
  readonly warned: ReadonlyArray<number>
  readonly pausedAt?: string
}
