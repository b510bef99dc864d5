import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Config as EffectConfig, Schema } from "effect"
import { ServiceConfig } from "../src/index"

const Settings = Schema.Struct({
  ...ServiceConfig.fields,
  workers: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 8 }))
})

const load = (env: Record<string, string>) =>
  ServiceConfig.load({
    defaults: { port: 4500, modelFile: "model.yaml", dataDir: ".data/demo", audience: "gridwork-demo" },
    extra: EffectConfig.withDefault(EffectConfig.String("DEMO_WORKERS"), "2"),
    check: (workers: string, problems) => ({ workers: ServiceConfig.wholeNumber("DEMO_WORKERS", workers, problems) }),
    settings: Settings,
    variables: { workers: "DEMO_WORKERS" }
  }).pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env }))))

describe("ServiceConfig", () => {
  it.effect("applies the service's defaults with development authentication", () =>
    Effect.gen(function* () {
      const settings = yield* load({ GRIDWORK_DEV_AUTH: "true" })
      assert.deepStrictEqual(settings, {
        port: 4500,
        host: "127.0.0.1",
        modelFile: "model.yaml",
        dataDir: ".data/demo",
        auth: { _tag: "Dev", issuer: ServiceConfig.DEV_ISSUER, audience: "gridwork-demo" },
        workers: 2
      })
    })
  )

  it.effect("reads an identity provider, a database and NATS; blank optional variables count as unset", () =>
    Effect.gen(function* () {
      const settings = yield* load({
        PORT: "8080",
        HOST: "0.0.0.0",
        DATABASE_URL: "postgresql://demo:secret@db:5432/demo",
        NATS_URL: "  ",
        GRIDWORK_JWKS_URL: "https://id.example/jwks.json",
        GRIDWORK_JWT_ISSUER: "https://id.example",
        GRIDWORK_JWT_AUDIENCE: "demo-api",
        DEMO_WORKERS: "4"
      })
      assert.strictEqual(settings.port, 8080)
      assert.strictEqual(settings.host, "0.0.0.0")
      assert.strictEqual(settings.databaseUrl, "postgresql://demo:secret@db:5432/demo")
      assert.isUndefined(settings.natsUrl)
      assert.deepStrictEqual(settings.auth, {
        _tag: "Jwks",
        jwksUrl: "https://id.example/jwks.json",
        issuer: "https://id.example",
        audience: "demo-api"
      })
      assert.strictEqual(settings.workers, 4)
    })
  )

  it.effect("reports every problem at once, each naming its variable and the rule", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        load({ PORT: "eighty", GRIDWORK_DEV_AUTH: "maybe", DEMO_WORKERS: "many", GRIDWORK_JWKS_URL: "https://x/j" })
      )
      assert.strictEqual(error._tag, "ConfigInvalid")
      assert.deepStrictEqual(error.problems, [
        "PORT: expected a port number 0-65535, got eighty",
        "GRIDWORK_DEV_AUTH: expected true or false, got maybe",
        "DEMO_WORKERS: expected a whole number, got many",
        "GRIDWORK_JWT_ISSUER: required with GRIDWORK_JWKS_URL"
      ])
      assert.include(error.message, "invalid configuration:\n  PORT:")
    })
  )

  it.effect("refuses to start without authentication, naming both ways to configure it", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(load({}))
      assert.lengthOf(error.problems, 1)
      assert.include(error.problems[0], "GRIDWORK_JWKS_URL and GRIDWORK_JWT_ISSUER")
      assert.include(error.problems[0], "GRIDWORK_DEV_AUTH=true")
    })
  )

  it.effect("names the variable when a value breaks a Schema rule", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        load({ GRIDWORK_DEV_AUTH: "1", PORT: "70000", DATABASE_URL: "mysql://db", DEMO_WORKERS: "9" })
      )
      const variables = error.problems.map((problem) => problem.split(":")[0])
      assert.deepStrictEqual(variables, ["PORT", "DATABASE_URL", "DEMO_WORKERS"])
      assert.match(error.problems[1] ?? "", /postgres:\/\//)
    })
  )
})
