/**
 * The grid service's configuration, read from the environment with `Config` and
 * checked with Schema: a bad value fails the start with the variable's name and the
 * rule it broke.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | `4300` | HTTP port (0 picks a free one) |
 * | `HOST` | `127.0.0.1` | interface to listen on (`0.0.0.0` in containers) |
 * | `GRIDWORK_MODEL` | `localities/providence.yaml` of this package | the locality model (with a `grid` module section) |
 * | `GRIDWORK_DATA_DIR` | `.gridwork/data/grid` | embedded database and artefacts |
 * | `GRIDWORK_ARTIFACT_DIR` | `<data dir>/artifacts` | unit sets, grids files, lookup indexes (content-addressed) |
 * | `DATABASE_URL` | none | PostgreSQL server (`postgres://...`); the embedded database when unset |
 * | `NATS_URL` | none | NATS with JetStream; an in-process bus when unset |
 * | `GRIDWORK_JWKS_URL` | none | JWKS of the identity provider (with `GRIDWORK_JWT_ISSUER`) |
 * | `GRIDWORK_JWT_ISSUER` | none | accepted `iss` |
 * | `GRIDWORK_JWT_AUDIENCE` | `gridwork-grid` | accepted `aud` |
 * | `GRIDWORK_DEV_AUTH` | `false` | `true`: a development token issuer instead (never in production) |
 * | `GRID_JOB_CONCURRENCY` | `1` | partition jobs run at once (1-4; each uses one CPU core) |
 * | `GRID_MAX_UPLOAD_MB` | `50` | largest request body, in MiB (1-512) |
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Config } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const settings = yield* Config.load({ defaultModelFile: "services/grid/localities/providence.yaml" })
 *   return settings.port
 * })
 * ```
 * @module
 */
import { Effect, Config as EffectConfig, Option, Schema, SchemaIssue } from "effect"

const NonEmpty = Schema.String.check(Schema.isMinLength(1))

/** How callers are authenticated. */
export const AuthSettings = Schema.Union([
  Schema.TaggedStruct("Jwks", { jwksUrl: NonEmpty, issuer: NonEmpty, audience: NonEmpty }),
  Schema.TaggedStruct("Dev", { issuer: NonEmpty, audience: NonEmpty })
])
/** @see {@link AuthSettings} */
export type AuthSettings = typeof AuthSettings.Type

/** The settings of the service (see the module documentation for the variables). */
export const Settings = Schema.Struct({
  port: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65_535 })),
  host: NonEmpty,
  modelFile: NonEmpty,
  dataDir: NonEmpty,
  artifactDir: Schema.optionalKey(NonEmpty),
  databaseUrl: Schema.optionalKey(
    Schema.String.check(
      Schema.isPattern(/^postgres(ql)?:\/\/\S+$/, { expected: "a URL such as postgres://user:password@host:5432/db" })
    )
  ),
  natsUrl: Schema.optionalKey(NonEmpty),
  auth: AuthSettings,
  jobConcurrency: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 4 })),
  maxUploadMegabytes: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 512 }))
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
  dataDir: "GRIDWORK_DATA_DIR",
  artifactDir: "GRIDWORK_ARTIFACT_DIR",
  databaseUrl: "DATABASE_URL",
  natsUrl: "NATS_URL",
  auth: "GRIDWORK_JWKS_URL / GRIDWORK_JWT_ISSUER / GRIDWORK_JWT_AUDIENCE / GRIDWORK_DEV_AUTH",
  jobConcurrency: "GRID_JOB_CONCURRENCY",
  maxUploadMegabytes: "GRID_MAX_UPLOAD_MB"
}

/** The defaults of the settings that have one. */
export const defaults = {
  port: 4300,
  host: "127.0.0.1",
  dataDir: ".gridwork/data/grid",
  audience: "gridwork-grid",
  devIssuer: "urn:gridwork:dev-issuer",
  jobConcurrency: 1,
  maxUploadMegabytes: 50
} as const

const formatter = SchemaIssue.makeFormatterDefault()

/** Checks raw settings (e.g. from tests) and names the variable of every problem. */
export const decode = (input: unknown): Effect.Effect<Settings, ConfigInvalid> =>
  Schema.decodeUnknownEffect(Settings)(input, { errors: "all", onExcessProperty: "error" }).pipe(
    Effect.mapError((error) => {
      const problems = formatter(error.issue)
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => {
          const field = Object.keys(variableOf).find((key) => line.includes(key))
          return field === undefined ? line : `${variableOf[field]}: ${line.trim()}`
        })
      return new ConfigInvalid({ problems })
    })
  )

const optionalString = (name: string) =>
  EffectConfig.option(EffectConfig.String(name)).pipe(
    EffectConfig.map(Option.filter((value: string) => value.trim() !== ""))
  )

const integer = (name: string, raw: string, problems: Array<string>): number => {
  if (!/^\d{1,6}$/.test(raw.trim())) problems.push(`${name}: expected a whole number, got ${raw}`)
  return Number(raw)
}

/**
 * Reads and checks the settings from the environment. Authentication must be
 * configured: an identity provider (`GRIDWORK_JWKS_URL` and `GRIDWORK_JWT_ISSUER`) or,
 * for development, `GRIDWORK_DEV_AUTH=true`.
 */
export const load = (options: { readonly defaultModelFile: string }): Effect.Effect<Settings, ConfigInvalid> =>
  Effect.gen(function* () {
    const raw = yield* EffectConfig.all({
      port: EffectConfig.withDefault(EffectConfig.String("PORT"), String(defaults.port)),
      host: EffectConfig.withDefault(EffectConfig.String("HOST"), defaults.host),
      modelFile: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_MODEL"), options.defaultModelFile),
      dataDir: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DATA_DIR"), defaults.dataDir),
      artifactDir: optionalString("GRIDWORK_ARTIFACT_DIR"),
      databaseUrl: optionalString("DATABASE_URL"),
      natsUrl: optionalString("NATS_URL"),
      jwksUrl: optionalString("GRIDWORK_JWKS_URL"),
      issuer: optionalString("GRIDWORK_JWT_ISSUER"),
      audience: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_JWT_AUDIENCE"), defaults.audience),
      devAuth: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DEV_AUTH"), "false"),
      jobConcurrency: EffectConfig.withDefault(
        EffectConfig.String("GRID_JOB_CONCURRENCY"),
        String(defaults.jobConcurrency)
      ),
      maxUpload: EffectConfig.withDefault(
        EffectConfig.String("GRID_MAX_UPLOAD_MB"),
        String(defaults.maxUploadMegabytes)
      )
    }).pipe(Effect.mapError((error) => new ConfigInvalid({ problems: [error.message] })))

    const problems: Array<string> = []
    const port = integer("PORT", raw.port, problems)
    const jobConcurrency = integer("GRID_JOB_CONCURRENCY", raw.jobConcurrency, problems)
    const maxUploadMegabytes = integer("GRID_MAX_UPLOAD_MB", raw.maxUpload, problems)
    const devAuth = raw.devAuth.trim().toLowerCase()
    if (!["true", "false", "1", "0", ""].includes(devAuth)) {
      problems.push(`GRIDWORK_DEV_AUTH: expected true or false, got ${raw.devAuth}`)
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
      dataDir: raw.dataDir,
      ...Option.match(raw.artifactDir, { onNone: () => ({}), onSome: (artifactDir) => ({ artifactDir }) }),
      ...Option.match(raw.databaseUrl, { onNone: () => ({}), onSome: (databaseUrl) => ({ databaseUrl }) }),
      ...Option.match(raw.natsUrl, { onNone: () => ({}), onSome: (natsUrl) => ({ natsUrl }) }),
      auth,
      jobConcurrency,
      maxUploadMegabytes
    })
  })
