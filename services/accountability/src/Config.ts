/**
 * The accountability service's configuration, read from the environment with `Config`
 * and checked with Schema: a bad value fails the start with the variable's name and
 * the rule it broke.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `4100` | HTTP port (0 picks a free one) |
 * | `HOST` | `127.0.0.1` | interface to listen on (`0.0.0.0` in containers) |
 * | `GRIDWORK_MODEL` | `examples/localities/lanxi-county.yaml` | the locality model |
 * | `GRIDWORK_POLICY` | none | policy overlays (comma-separated files) applied on top of the model |
 * | `GRIDWORK_DATA_DIR` | `.gridwork/data/accountability` | embedded database and development key |
 * | `DATABASE_URL` | none | PostgreSQL server (`postgres://...`); the embedded database when unset |
 * | `NATS_URL` | none | NATS with JetStream; an in-process bus when unset |
 * | `GRIDWORK_LEDGER_KEY_FILE` | none | Ed25519 private key (PKCS#8 PEM) that signs ledger checkpoints; a development key in the data directory when unset |
 * | `GRIDWORK_JWKS_URL` | none | JWKS of the identity provider (with `GRIDWORK_JWT_ISSUER`) |
 * | `GRIDWORK_JWT_ISSUER` | none | accepted `iss` |
 * | `GRIDWORK_JWT_AUDIENCE` | `gridwork-accountability` | accepted `aud` |
 * | `GRIDWORK_DEV_AUTH` | `false` | `true`: a development token issuer instead (never in production) |
 * | `GRIDWORK_CHECKPOINT_EVERY` | `1 minute` | how often a signed ledger checkpoint is issued when the ledger grew |
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Config } from "@gridwork/service-accountability"
 *
 * const program = Effect.gen(function* () {
 *   const settings = yield* Config.load
 *   return settings.port
 * })
 * ```
 * @module
 */
import { SchemaProblems } from "@gridwork/core"
import { Duration, Effect, Config as EffectConfig, Option, Schema } from "effect"

const NonEmpty = Schema.String.check(Schema.isMinLength(1))

/** How callers are authenticated. */
export const AuthSettings = Schema.Union([
  Schema.TaggedStruct("Jwks", {
    /** JWKS document of the identity provider (https, or http on localhost). */
    jwksUrl: NonEmpty,
    issuer: NonEmpty,
    audience: NonEmpty
  }),
  Schema.TaggedStruct("Dev", {
    issuer: NonEmpty,
    audience: NonEmpty
  })
])
/** @see {@link AuthSettings} */
export type AuthSettings = typeof AuthSettings.Type

/** The settings of the service (see the module documentation for the variables). */
export const Settings = Schema.Struct({
  port: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65_535 })),
  host: NonEmpty,
  modelFile: NonEmpty,
  policyFiles: Schema.Array(NonEmpty),
  dataDir: NonEmpty,
  databaseUrl: Schema.optionalKey(
    Schema.String.check(
      Schema.isPattern(/^postgres(ql)?:\/\/\S+$/, { expected: "a URL such as postgres://user:password@host:5432/db" })
    )
  ),
  natsUrl: Schema.optionalKey(NonEmpty),
  ledgerKeyFile: Schema.optionalKey(NonEmpty),
  auth: AuthSettings,
  checkpointEveryMillis: Schema.Int.check(Schema.isBetween({ minimum: 1_000, maximum: 24 * 3_600_000 }))
})
/** @see {@link Settings} */
export type Settings = typeof Settings.Type

/** The configuration is missing something or breaks a rule. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid configuration:\n${this.problems.map((p) => `  ${p}`).join("\n")}`
  }
}

/** The environment variable behind each settings field, for error messages. */
const variableOf: Readonly<Record<string, string>> = {
  port: "PORT",
  host: "HOST",
  modelFile: "GRIDWORK_MODEL",
  policyFiles: "GRIDWORK_POLICY",
  dataDir: "GRIDWORK_DATA_DIR",
  databaseUrl: "DATABASE_URL",
  natsUrl: "NATS_URL",
  ledgerKeyFile: "GRIDWORK_LEDGER_KEY_FILE",
  auth: "GRIDWORK_JWKS_URL / GRIDWORK_JWT_ISSUER / GRIDWORK_JWT_AUDIENCE / GRIDWORK_DEV_AUTH",
  checkpointEveryMillis: "GRIDWORK_CHECKPOINT_EVERY"
}

/** The defaults of the settings that have one. */
export const defaults = {
  port: 4100,
  host: "127.0.0.1",
  modelFile: "examples/localities/lanxi-county.yaml",
  dataDir: ".gridwork/data/accountability",
  audience: "gridwork-accountability",
  devIssuer: "urn:gridwork:dev-issuer",
  checkpointEvery: "1 minute"
} as const

/** Checks raw settings (e.g. from tests) and names the variable of every problem. */
export const decode = (input: unknown): Effect.Effect<Settings, ConfigInvalid> =>
  Schema.decodeUnknownEffect(Settings)(input, { errors: "all", onExcessProperty: "error" }).pipe(
    Effect.mapError(
      (error) =>
        new ConfigInvalid({
          problems: SchemaProblems.fromIssue(error.issue).map((problem) => {
            const field = problem.path[0]
            const variable = typeof field === "string" ? variableOf[field] : undefined
            return `${variable ?? (problem.path.map(String).join(".") || "configuration")}: ${problem.message}`
          })
        })
    )
  )

const optionalString = (name: string) =>
  EffectConfig.option(EffectConfig.String(name)).pipe(
    EffectConfig.map(Option.filter((value: string) => value.trim() !== ""))
  )

/**
 * Reads and checks the settings from the environment (`Config`). Authentication must
 * be configured: an identity provider (`GRIDWORK_JWKS_URL` and `GRIDWORK_JWT_ISSUER`)
 * or, for development, `GRIDWORK_DEV_AUTH=true`.
 */
export const load: Effect.Effect<Settings, ConfigInvalid> = Effect.gen(function* () {
  const raw = yield* EffectConfig.all({
    port: EffectConfig.withDefault(EffectConfig.String("PORT"), String(defaults.port)),
    host: EffectConfig.withDefault(EffectConfig.String("HOST"), defaults.host),
    modelFile: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_MODEL"), defaults.modelFile),
    policy: optionalString("GRIDWORK_POLICY"),
    dataDir: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DATA_DIR"), defaults.dataDir),
    databaseUrl: optionalString("DATABASE_URL"),
    natsUrl: optionalString("NATS_URL"),
    ledgerKeyFile: optionalString("GRIDWORK_LEDGER_KEY_FILE"),
    jwksUrl: optionalString("GRIDWORK_JWKS_URL"),
    issuer: optionalString("GRIDWORK_JWT_ISSUER"),
    audience: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_JWT_AUDIENCE"), defaults.audience),
    devAuth: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DEV_AUTH"), "false"),
    checkpointEvery: EffectConfig.withDefault(
      EffectConfig.String("GRIDWORK_CHECKPOINT_EVERY"),
      defaults.checkpointEvery
    )
  }).pipe(Effect.mapError((error) => new ConfigInvalid({ problems: [error.message] })))

  const problems: Array<string> = []
  const port = Number(raw.port)
  if (!/^\d{1,5}$/.test(raw.port.trim())) problems.push(`PORT: expected a port number 0-65535, got ${raw.port}`)
  const devAuth = raw.devAuth.trim().toLowerCase()
  if (!["true", "false", "1", "0", ""].includes(devAuth)) {
    problems.push(`GRIDWORK_DEV_AUTH: expected true or false, got ${raw.devAuth}`)
  }
  const every = Duration.fromInput(raw.checkpointEvery as Duration.Input)
  if (Option.isNone(every)) {
    problems.push(`GRIDWORK_CHECKPOINT_EVERY: expected a duration such as "1 minute", got ${raw.checkpointEvery}`)
  }
  let auth: AuthSettings | undefined
  if (Option.isSome(raw.jwksUrl)) {
    if (Option.isNone(raw.issuer)) problems.push("GRIDWORK_JWT_ISSUER: required with GRIDWORK_JWKS_URL")
    else auth = { _tag: "Jwks", jwksUrl: raw.jwksUrl.value, issuer: raw.issuer.value, audience: raw.audience }
  } else if (devAuth === "true" || devAuth === "1") {
    auth = { _tag: "Dev", issuer: Option.getOrElse(raw.issuer, () => defaults.devIssuer), audience: raw.audience }
  } else {
    problems.push(
      "authentication: set GRIDWORK_JWKS_URL and GRIDWORK_JWT_ISSUER (your identity provider), or GRIDWORK_DEV_AUTH=true for development"
    )
  }
  if (problems.length > 0 || auth === undefined) return yield* new ConfigInvalid({ problems })
  return yield* decode({
    port,
    host: raw.host,
    modelFile: raw.modelFile,
    policyFiles: Option.match(raw.policy, {
      onNone: () => [],
      onSome: (value) =>
        value
          .split(",")
          .map((file) => file.trim())
          .filter((file) => file !== "")
    }),
    dataDir: raw.dataDir,
    ...Option.match(raw.databaseUrl, { onNone: () => ({}), onSome: (databaseUrl) => ({ databaseUrl }) }),
    ...Option.match(raw.natsUrl, { onNone: () => ({}), onSome: (natsUrl) => ({ natsUrl }) }),
    ...Option.match(raw.ledgerKeyFile, { onNone: () => ({}), onSome: (ledgerKeyFile) => ({ ledgerKeyFile }) }),
    auth,
    checkpointEveryMillis: Option.match(every, { onNone: () => 0, onSome: Duration.toMillis })
  })
})
