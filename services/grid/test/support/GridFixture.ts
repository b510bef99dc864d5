/**
 * Test support: the grid service in-process (memory or given stores, the real compute
 * pool with worker threads, the in-process bus), a development token issuer, and small
 * HTTP helpers for `app.request`.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Bus, ModelParser, type Outbox } from "@gridwork/core"
import { DevIssuer, type ServiceApp } from "@gridwork/service-kit"
import { Effect, type Layer, Result } from "effect"
import * as App from "../../src/app"
import { ComputePool } from "../../src/compute/ComputePool"
import * as Locality from "../../src/config/Locality"
import * as Transport from "../../src/messaging/Transport"
import * as Storage from "../../src/storage/Storage"

/** The Providence blocks (ODbL; see the README), found next to the repository. */
export const providenceFile = fileURLToPath(new URL("../../../../data/providence_blocks.geojson", import.meta.url))

/** The shipped Providence locality model. */
export const modelFile = fileURLToPath(new URL("../../localities/providence.yaml", import.meta.url))

/** The locality of the shipped model. */
export const locality = (): Locality.LocalityShape =>
  Locality.make(
    Result.getOrThrow(ModelParser.parseModel(readFileSync(modelFile, "utf8"), modelFile, Locality.registry))
  )

/** A running grid service and the means to call it. */
export interface Fixture {
  readonly app: ServiceApp.ServiceApp<ServiceApp.KitServices | App.Services<never>>
  /** A token with `roles` in `jurisdictions` (default the whole city). */
  readonly token: (roles: ReadonlyArray<string>, jurisdictions?: ReadonlyArray<string>) => Promise<string>
  readonly issuer: DevIssuer.DevIssuer
}

/** Builds the service on `stores` (default: in memory). */
export const make = async <E = never>(
  stores?: Layer.Layer<Storage.Stores, E>,
  options: {
    readonly poolSize?: number
    readonly transport?: Layer.Layer<Bus.Bus, unknown, Outbox.Outbox>
  } = {}
): Promise<Fixture> => {
  const shape = locality()
  const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "urn:gridwork:test", audience: "gridwork-grid" }))
  const app = App.make({
    locality: shape,
    stores: stores ?? Storage.layerMemory(shape.id),
    transport: options.transport ?? Transport.layerInProcess({ pollInterval: "20 millis" }),
    compute: ComputePool.layer({ size: options.poolSize ?? 2 }),
    authentication: issuer.verifierOptions,
    log: { sink: () => {} }
  })
  return {
    app,
    issuer,
    token: (roles, jurisdictions = ["providence"]) =>
      Effect.runPromise(issuer.mint({ subject: `user-${roles.join("-")}`, roles, jurisdictions }))
  }
}

/** Headers with a bearer token. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })

/** A POST with a JSON (or other) body and a fresh Idempotency-Key. */
export const post = (
  fixture: Fixture,
  path: string,
  token: string,
  body: string | object,
  headers: Record<string, string> = {}
): Promise<Response> =>
  Promise.resolve(
    fixture.app.request(path, {
      method: "POST",
      body: typeof body === "string" ? body : JSON.stringify(body),
      headers: {
        ...bearer(token),
        "content-type": "application/json",
        "idempotency-key": crypto.randomUUID(),
        ...headers
      }
    })
  )

/** A GET. */
export const get = (fixture: Fixture, path: string, token: string, headers: Record<string, string> = {}) =>
  Promise.resolve(fixture.app.request(path, { headers: { ...bearer(token), ...headers } }))

/** One server-sent event. */
export interface SseEvent {
  readonly event: string
  readonly data: unknown
}

/** Parses a whole server-sent event stream (comments skipped). */
export const parseSse = (text: string): Array<SseEvent> =>
  text
    .split("\n\n")
    .map((block) => block.split("\n").filter((line) => line !== "" && !line.startsWith(":")))
    .filter((lines) => lines.length > 0)
    .map((lines) => ({
      event: lines.find((l) => l.startsWith("event: "))?.slice(7) ?? "message",
      data: JSON.parse(
        lines
          .filter((l) => l.startsWith("data: "))
          .map((l) => l.slice(6))
          .join("\n")
      )
    }))

/** A problem document, checked to be one. */
export interface ProblemBody {
  readonly type: string
  readonly title: string
  readonly status: number
  readonly detail?: string
  readonly errors?: ReadonlyArray<{ readonly in: string; readonly path: string; readonly rule: string }>
}

/** Reads a problem+json response. */
export const problemOf = async (response: Response): Promise<ProblemBody> => {
  if (response.headers.get("content-type") !== "application/problem+json") {
    throw new Error(
      `expected application/problem+json, got ${response.headers.get("content-type")} (${response.status})`
    )
  }
  return (await response.json()) as ProblemBody
}
