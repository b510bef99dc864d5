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
import { ServiceConfig } from "@gridwork/service-kit"
import { type Effect, Config as EffectConfig, Option, Schema } from "effect"

const NonEmpty = ServiceConfig.NonEmpty

/** How callers are authenticated. */
export const AuthSettings = ServiceConfig.AuthSettings
/** @see {@link AuthSettings} */
export type AuthSettings = ServiceConfig.AuthSettings

/** The settings of the service (see the module documentation for the variables). */
export const Settings = Schema.Struct({
  ...ServiceConfig.fields,
  artifactDir: Schema.optionalKey(NonEmpty),
  jobConcurrency: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 4 })),
  maxUploadMegabytes: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 512 }))
})
/** @see {@link Settings} */
export type Settings = typeof Settings.Type

/** The configuration is missing something or breaks a rule. */
export const ConfigInvalid = ServiceConfig.ConfigInvalid
/** @see {@link ConfigInvalid} */
export type ConfigInvalid = ServiceConfig.ConfigInvalid

/** The environment variable behind each of the service's own settings fields, for error messages. */
const variableOf: Readonly<Record<string, string>> = {
  artifactDir: "GRIDWORK_ARTIFACT_DIR",
  jobConcurrency: "GRID_JOB_CONCURRENCY",
  maxUploadMegabytes: "GRID_MAX_UPLOAD_MB"
}

/** The defaults of the settings that have one. */
export const defaults = {
  port: 4300,
  host: ServiceConfig.DEFAULT_HOST,
  dataDir: ".gridwork/data/grid",
  audience: "gridwork-grid",
  devIssuer: ServiceConfig.DEV_ISSUER,
  jobConcurrency: 1,
  maxUploadMegabytes: 50
} as const

/** Checks raw settings (e.g. from tests) and names the variable of every problem. */
export const decode: (input: unknown) => Effect.Effect<Settings, ConfigInvalid> = ServiceConfig.decode(
  Settings,
  variableOf
)

/**
 * Reads and checks the settings from the environment. Authentication must be
 * configured: an identity provider (`GRIDWORK_JWKS_URL` and `GRIDWORK_JWT_ISSUER`) or,
 * for development, `GRIDWORK_DEV_AUTH=true`.
 */
export const load = (options: { readonly defaultModelFile: string }): Effect.Effect<Settings, ConfigInvalid> =>
  ServiceConfig.load({
    defaults: { ...defaults, modelFile: options.defaultModelFile },
    extra: EffectConfig.all({
      artifactDir: ServiceConfig.optionalString("GRIDWORK_ARTIFACT_DIR"),
      jobConcurrency: EffectConfig.withDefault(
        EffectConfig.String("GRID_JOB_CONCURRENCY"),
        String(defaults.jobConcurrency)
      ),
      maxUpload: EffectConfig.withDefault(
        EffectConfig.String("GRID_MAX_UPLOAD_MB"),
        String(defaults.maxUploadMegabytes)
      )
    }),
    check: (raw, problems) => ({
      ...Option.match(raw.artifactDir, { onNone: () => ({}), onSome: (artifactDir) => ({ artifactDir }) }),
      jobConcurrency: ServiceConfig.wholeNumber("GRID_JOB_CONCURRENCY", raw.jobConcurrency, problems),
      maxUploadMegabytes: ServiceConfig.wholeNumber("GRID_MAX_UPLOAD_MB", raw.maxUpload, problems)
    }),
    settings: Settings,
    variables: variableOf
  })
