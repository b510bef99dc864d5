import { describe, it } from "@effect/vitest"
import { ConfigProvider, Effect } from "effect"
import { assert } from "vitest"
import * as Config from "../src/config/Config"

const load = (env: Record<string, string>) =>
  Config.load({ defaultModelFile: "localities/providence.yaml" }).pipe(
    Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))
  )

describe("Config", () => {
  it.effect("applies the defaults with development authentication", () =>
    Effect.gen(function* () {
      const settings = yield* load({ GRIDWORK_DEV_AUTH: "true" })
      assert.strictEqual(settings.port, 4300)
      assert.strictEqual(settings.host, "127.0.0.1")
      assert.strictEqual(settings.modelFile, "localities/providence.yaml")
      assert.strictEqual(settings.dataDir, ".gridwork/data/grid")
      assert.strictEqual(settings.jobConcurrency, 1)
      assert.strictEqual(settings.maxUploadMegabytes, 50)
      assert.deepStrictEqual(settings.auth, {
        _tag: "Dev",
        issuer: "urn:gridwork:dev-issuer",
        audience: "gridwork-grid"
      })
      assert.isUndefined(settings.databaseUrl)
    })
  )

  it.effect("reads an identity provider, a database, NATS and limits", () =>
    Effect.gen(function* () {
      const settings = yield* load({
        PORT: "8080",
        GRIDWORK_JWKS_URL: "https://id.example/jwks.json",
        GRIDWORK_JWT_ISSUER: "https://id.example",
        DATABASE_URL: "postgres://grid:secret@db:5432/grid",
        NATS_URL: "nats://nats:4222",
        GRID_JOB_CONCURRENCY: "2",
        GRID_MAX_UPLOAD_MB: "200",
        GRIDWORK_ARTIFACT_DIR: "/srv/grid/artifacts"
      })
      assert.strictEqual(settings.port, 8080)
      assert.strictEqual(settings.auth._tag, "Jwks")
      assert.strictEqual(settings.databaseUrl, "postgres://grid:secret@db:5432/grid")
      assert.strictEqual(settings.natsUrl, "nats://nats:4222")
      assert.strictEqual(settings.jobConcurrency, 2)
      assert.strictEqual(settings.maxUploadMegabytes, 200)
      assert.strictEqual(settings.artifactDir, "/srv/grid/artifacts")
    })
  )

  it.effect("names every variable that breaks a rule", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        load({ PORT: "eighty", GRID_JOB_CONCURRENCY: "9", GRIDWORK_JWKS_URL: "https://id.example/jwks.json" })
      )
      const text = error.problems.join("\n")
      assert.include(text, "PORT")
      assert.include(text, "GRIDWORK_JWT_ISSUER: required with GRIDWORK_JWKS_URL")
      const range = yield* Effect.flip(load({ GRIDWORK_DEV_AUTH: "true", GRID_JOB_CONCURRENCY: "9" }))
      assert.include(range.problems.join("\n"), "GRID_JOB_CONCURRENCY")
      const none = yield* Effect.flip(load({}))
      assert.include(none.problems.join("\n"), "GRIDWORK_DEV_AUTH=true")
    })
  )
})
