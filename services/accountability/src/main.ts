/**
 * Runs the accountability service (`dist/main.js`, `npm start` at the repository root):
 * reads the configuration (`Config`), loads the locality model and policy overlays,
 * opens the stores (PostgreSQL at `DATABASE_URL`, or the embedded database in
 * `GRIDWORK_DATA_DIR`) and the transport (NATS at `NATS_URL`, or the in-process bus),
 * serves HTTP, and on SIGINT/SIGTERM shuts down gracefully: stop accepting, finish the
 * requests in flight, stop the consumers, relay and deadline driver, close the stores.
 *
 * With `GRIDWORK_DEV_AUTH=true` it runs a development token issuer and prints a token
 * and example requests.
 * @module
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Ids, ModelLoader } from "@gridwork/core"
import { JsonLogger, ServiceMain, SqlIdempotencyStore } from "@gridwork/service-kit"
import { SqlStore } from "@gridwork/store-sql"
import { Effect, Layer, Option } from "effect"
import * as App from "./app"
import * as Config from "./Config"
import * as Locality from "./Locality"
import { SigningKey } from "./SigningKey"
import * as Storage from "./Storage"
import * as Transport from "./Transport"

/** The first actor holding `leader` (to approve extensions in the demo), or a fresh id. */
const demoActor = (locality: Locality.LocalityShape) =>
  Effect.gen(function* () {
    const leader = locality.model.organization.actors.find((actor) =>
      actor.assignments.some((assignment) => assignment.role === "leader")
    )
    return leader?.id ?? (yield* Ids.makeActorId)
  })

/** A unit at the lowest tier the organization has (where matters are first received), for the example. */
const firstReceiver = (locality: Locality.LocalityShape): string | undefined => {
  const depth = (unit: { readonly jurisdiction: string }) =>
    locality.model.jurisdictions.ancestors(unit.jurisdiction).length
  return [...locality.model.organization.units].sort((a, b) => depth(b) - depth(a))[0]?.code
}

const banner = (url: string, token: string, locality: Locality.LocalityShape, database: string, bus: string) => {
  const subject = `${locality.id}-demo-0001`
  // Received on 28 September 2026 and never routed: its deadlines have passed, so the
  // service warns, marks it overdue and escalates it as soon as it is recorded.
  const event = JSON.stringify({
    specversion: "1.0",
    id: "019a6f40-0000-7000-8000-000000000101",
    type: "gridwork.petition.PetitionReceived.v1",
    subject,
    time: "2026-09-28T09:30:00+08:00",
    data: { unit: firstReceiver(locality) }
  })
  const auth = `-H "authorization: Bearer $TOKEN"`
  return [
    "",
    `Gridwork accountability service for ${locality.model.locality.name} (policy ${locality.model.version})`,
    `  URL:       ${url}`,
    `  API docs:  ${url}/docs  (OpenAPI: ${url}/openapi.json)`,
    `  database:  ${database}`,
    `  bus:       ${bus}`,
    "",
    "Development token (every role of the model, over the whole locality; valid 8 hours):",
    "",
    `  export TOKEN=${token}`,
    "",
    "1. Record a petition received on 28 September 2026 that nobody routed (its deadlines have passed):",
    "",
    `  curl -s -X POST ${url}/v1/events ${auth} -H "content-type: application/json" \\`,
    `    -H "idempotency-key: $(node -e 'console.log(crypto.randomUUID())')" -d '${event}'`,
    "",
    "2. Its obligations (overdue, escalated where the policy's escalation rules say so):",
    "",
    `  curl -s "${url}/v1/obligations?subject=${subject}" ${auth}`,
    "",
    "3. Backward tracing (责任倒查) as text, and the ledger:",
    "",
    `  curl -s ${url}/v1/subjects/${subject}/accountability ${auth} -H "accept: text/plain"`,
    `  curl -s ${url}/v1/ledger/verify ${auth}`,
    "",
    "Ctrl-C stops the service gracefully.",
    ""
  ]
}

const program = Effect.gen(function* () {
  const settings = yield* Config.load
  const model = yield* Locality.load({ modelFile: settings.modelFile, policyFiles: settings.policyFiles }).pipe(
    Effect.provide(ModelLoader.ModelLoader.layer)
  )
  const locality = Locality.make(model)

  const { verifier: authentication, devIssuer } = yield* ServiceMain.authentication(settings.auth)
  const mint = Option.map(devIssuer, (issuer) =>
    Effect.flatMap(demoActor(locality), (subject) =>
      issuer.mint({
        subject,
        roles: [...locality.model.organization.roles.map((r) => r.code), Locality.SERVICE_ROLE],
        jurisdictions: locality.model.jurisdictions.roots.map((j) => j.code),
        expiresInSeconds: 8 * 3600
      })
    )
  )

  const signingKey =
    settings.ledgerKeyFile === undefined
      ? SigningKey.layerDevelopment(settings.dataDir)
      : SigningKey.layerFile(settings.ledgerKeyFile)
  const app = App.make({
    locality,
    stores: Storage.layerSql({
      ...(settings.databaseUrl === undefined ? {} : { databaseUrl: settings.databaseUrl }),
      dataDir: settings.dataDir,
      locality: locality.id
    }),
    transport: settings.natsUrl === undefined ? Transport.layerInProcess() : Transport.layerNats(settings.natsUrl),
    signingKey: signingKey.pipe(Layer.provide(NodeServices.layer)),
    authentication,
    idempotencyStore: SqlIdempotencyStore.layer({ scope: "accountability" }),
    checkpointEvery: settings.checkpointEveryMillis,
    readiness: [{ name: "database", check: Storage.databaseReady }]
  })
  const database =
    settings.databaseUrl === undefined
      ? `embedded PostgreSQL (PGlite) in ${settings.dataDir}`
      : `PostgreSQL at ${SqlStore.describeUrl(settings.databaseUrl)}`
  const bus = ServiceMain.describeBus(settings.natsUrl)
  if (settings.natsUrl === undefined) {
    yield* Effect.logInfo("NATS_URL is not set: domain events come in by POST /v1/events only (in-process bus)")
  }

  return yield* ServiceMain.serve({
    app,
    port: settings.port,
    host: settings.host,
    name: "accountability service",
    stopping: "stopping: finishing requests in flight, then closing consumers and stores ...",
    annotations: { database, bus, locality: locality.id, policyVersion: model.version },
    banner: (url) =>
      Option.match(mint, {
        onNone: () => Effect.succeed([]),
        onSome: (token) => Effect.map(token, (value) => banner(url, value, locality, database, bus))
      })
  })
})

program.pipe(Effect.scoped, Effect.provide(Layer.mergeAll(NodeServices.layer, JsonLogger.layer())), NodeRuntime.runMain)
