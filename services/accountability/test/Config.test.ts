import { describe, expect, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Option } from "effect"
import { Config } from "../src/index"

const load = (env: Record<string, string>) =>
  Effect.runPromiseExit(Config.load.pipe(Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env })))))

const problemsOf = async (env: Record<string, string>): Promise<ReadonlyArray<string>> => {
  const exit = await load(env)
  if (Exit.isSuccess(exit)) throw new Error("expected the configuration to be refused")
  const error = Cause.findErrorOption(exit.cause)
  if (Option.isNone(error)) throw new Error("expected a ConfigInvalid")
  return error.value.problems
}

describe("Config", () => {
  it("reads the defaults with development authentication", async () => {
    const exit = await load({ GRIDWORK_DEV_AUTH: "true" })
    expect(Exit.isSuccess(exit) && exit.value).toEqual({
      port: 4100,
      host: "127.0.0.1",
      modelFile: "examples/localities/lanxi-county.yaml",
      policyFiles: [],
      dataDir: ".gridwork/data/accountability",
      auth: { _tag: "Dev", issuer: "urn:gridwork:dev-issuer", audience: "gridwork-accountability" },
      checkpointEveryMillis: 60_000
    })
  })

  it("reads a production configuration", async () => {
    const exit = await load({
      PORT: "8080",
      HOST: "0.0.0.0",
      GRIDWORK_POLICY: "a.yaml, b.yaml",
      DATABASE_URL: "postgres://gw:secret@db:5432/gridwork",
      NATS_URL: "nats://nats:4222",
      GRIDWORK_LEDGER_KEY_FILE: "/run/secrets/ledger.pem",
      GRIDWORK_JWKS_URL: "https://id.lanxi.example/.well-known/jwks.json",
      GRIDWORK_JWT_ISSUER: "https://id.lanxi.example",
      GRIDWORK_CHECKPOINT_EVERY: "15 minutes"
    })
    expect(Exit.isSuccess(exit) && exit.value).toMatchObject({
      port: 8080,
      policyFiles: ["a.yaml", "b.yaml"],
      databaseUrl: "postgres://gw:secret@db:5432/gridwork",
      natsUrl: "nats://nats:4222",
      auth: { _tag: "Jwks", issuer: "https://id.lanxi.example", audience: "gridwork-accountability" },
      checkpointEveryMillis: 900_000
    })
  })

  it("refuses to start without authentication, naming both ways to configure it", async () => {
    const problems = await problemsOf({})
    expect(problems.join("\n")).toContain("GRIDWORK_JWKS_URL and GRIDWORK_JWT_ISSUER")
    expect(problems.join("\n")).toContain("GRIDWORK_DEV_AUTH=true")
  })

  it("names every bad variable", async () => {
    const problems = await problemsOf({
      PORT: "eighty",
      GRIDWORK_DEV_AUTH: "maybe",
      GRIDWORK_CHECKPOINT_EVERY: "often",
      GRIDWORK_JWKS_URL: "https://id.example/jwks"
    })
    expect(problems.map((p) => p.split(":")[0])).toEqual([
      "PORT",
      "GRIDWORK_DEV_AUTH",
      "GRIDWORK_CHECKPOINT_EVERY",
      "GRIDWORK_JWT_ISSUER"
    ])
    const url = await problemsOf({ GRIDWORK_DEV_AUTH: "true", DATABASE_URL: "mysql://db" })
    expect(url.join("\n")).toMatch(/DATABASE_URL.*postgres/)
  })
})
