/**
 * Runs the grid service (`dist/main.js`, or `npm run dev` from sources): reads the
 * configuration (`Config`), loads the locality model (with the `grid` module), opens
 * the stores (PostgreSQL at `DATABASE_URL` or the embedded database in
 * `GRIDWORK_DATA_DIR`; artefacts under `GRIDWORK_ARTIFACT_DIR`) and the transport (NATS
 * at `NATS_URL`, or the in-process bus), starts the compute pool, serves HTTP, and on
 * SIGINT/SIGTERM shuts down gracefully: stop accepting, finish the requests in flight,
 * cancel running partition jobs (recorded as `cancelled`), stop the relay, close the
 * stores.
 *
 * With `GRIDWORK_DEV_AUTH=true` it runs a development token issuer and prints a token
 * and example requests.
 * @module
 */
import { fileURLToPath } from "node:url"
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { ModelLoader } from "@gridwork/core"
import { ServiceMain, SqlIdempotencyStore } from "@gridwork/service-kit"
import { SqlStore } from "@gridwork/store-sql"
import { Effect, Layer, Option } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as App from "./app"
import { ComputePool } from "./compute/ComputePool"
import * as Config from "./config/Config"
import * as Locality from "./config/Locality"
import * as Transport from "./messaging/Transport"
import * as Storage from "./storage/Storage"

/** The Providence model shipped with the package (`src/` and `dist/` are both one level down). */
const defaultModelFile = fileURLToPath(new URL("../localities/providence.yaml", import.meta.url))

const banner = (url: string, token: string, locality: Locality.LocalityShape, database: string, bus: string) => [
  "",
  `Gridwork grid service for ${locality.model.locality.name} (policy ${locality.model.version})`,
  `  URL:       ${url}`,
  `  API docs:  ${url}/docs  (OpenAPI: ${url}/openapi.json)`,
  `  database:  ${database}`,
  `  bus:       ${bus}`,
  "",
  `Development token (every grid permission in ${locality.root}; valid 8 hours):`,
  "",
  `  export TOKEN=${token}`,
  `  export GRID=${url}`,
  "",
  "Then follow the walk-through in services/grid/README.md (upload, partition, publish, locate).",
  "",
  "Ctrl-C stops the service gracefully.",
  ""
]

const program = Effect.gen(function* () {
  const settings = yield* Config.load({ defaultModelFile })
  const model = yield* ModelLoader.loadModel(settings.modelFile, Locality.registry)
  const locality = Locality.make(model)

  const { verifier: authentication, devIssuer } = yield* ServiceMain.authentication(settings.auth)
  const mint = Option.map(devIssuer, (issuer) => {
    const planner = locality.model.organization.roles.find((role) =>
      locality.roleGrants[role.code]?.some((grant) => grant === "grid.*" || grant === "*")
    )
    return issuer.mint({
      subject: "dev-grid-planner",
      roles: planner === undefined ? [] : [planner.code],
      jurisdictions: [locality.root],
      expiresInSeconds: 8 * 3600
    })
  })

  const app = App.make({
    locality,
    stores: Storage.layerSql({
      ...(settings.databaseUrl === undefined ? {} : { databaseUrl: settings.databaseUrl }),
      dataDir: settings.dataDir,
      ...(settings.artifactDir === undefined ? {} : { artifactDir: settings.artifactDir }),
      locality: locality.id
    }).pipe(Layer.provide(NodeServices.layer)),
    transport: settings.natsUrl === undefined ? Transport.layerInProcess() : Transport.layerNats(settings.natsUrl),
    idempotencyStore: SqlIdempotencyStore.layer({ scope: "grid" }),
    compute: ComputePool.layer({ size: settings.jobConcurrency + 1 }),
    jobConcurrency: settings.jobConcurrency,
    authentication,
    bodyLimitBytes: settings.maxUploadMegabytes * 1024 * 1024,
    readiness: [{ name: "database", check: SqlClient.use((sql) => sql`select 1`) }]
  })
  const database =
    settings.databaseUrl === undefined
      ? `embedded PostgreSQL (PGlite) in ${settings.dataDir}`
      : `PostgreSQL at ${SqlStore.describeUrl(settings.databaseUrl)}`
  const bus = ServiceMain.describeBus(settings.natsUrl)

  return yield* ServiceMain.serve({
    app,
    port: settings.port,
    host: settings.host,
    name: "grid service",
    stopping: "stopping: finishing requests in flight, cancelling running jobs, closing stores ...",
    annotations: { database, bus, locality: locality.id, policyVersion: model.version },
    banner: (url) =>
      Option.match(mint, {
        onNone: () => Effect.succeed([]),
        onSome: (token) => Effect.map(token, (value) => banner(url, value, locality, database, bus))
      })
  })
})

program.pipe(Effect.scoped, Effect.provide(NodeServices.layer), NodeRuntime.runMain)
