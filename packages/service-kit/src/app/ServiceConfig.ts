/**
 * The environment variables every Gridwork service reads, decoded with `Config` and
 * checked with Schema. A bad value fails the start with a {@link ConfigInvalid} whose
 * problems each begin with the variable's name, then the rule it broke.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PORT` | the service's | HTTP port (0 picks a free one) |
 * | `HOST` | `127.0.0.1` | interface to listen on (`0.0.0.0` in containers) |
 * | `GRIDWORK_MODEL` | the service's | the locality model |
 * | `GRIDWORK_DATA_DIR` | the service's | embedded database and other local files |
 * | `DATABASE_URL` | none | PostgreSQL server (`postgres://...`); the embedded database when unset |
 * | `NATS_URL` | none | NATS with JetStream; an in-process bus when unset |
 * | `GRIDWORK_JWKS_URL` | none | JWKS of the identity provider (with `GRIDWORK_JWT_ISSUER`) |
 * | `GRIDWORK_JWT_ISSUER` | none | accepted `iss` |
 * | `GRIDWORK_JWT_AUDIENCE` | the service's | accepted `aud` |
 * | `GRIDWORK_DEV_AUTH` | `false` | `true`: a development token issuer instead (never in production) |
 *
 * A service adds its own variables with `extra` (read with `Config`) and `check`
 * (turns them into settings fields, pushing a problem per bad value), and gives the
 * Schema of its whole settings, usually `Schema.Struct({ ...fields, ... })`.
 *
 * @example
 * ```ts
 * import { Config, Effect, Schema } from "effect"
 * import { ServiceConfig } from "@gridwork/service-kit"
 *
 * const Settings = Schema.Struct({ ...ServiceConfig.fields, verbose: Schema.Boolean })
 * const load = ServiceConfig.load({
 *   defaults: { port: 4500, modelFile: "model.yaml", dataDir: ".data", audience: "gridwork-demo" },
 *   extra: Config.withDefault(Config.String("DEMO_VERBOSE"), "false"),
 *   check: (verbose) => ({ verbose: verbose === "true" }),
 *   settings: Settings,
 *   variables: { verbose: "DEMO_VERBOSE" }
 * })
 * const program = Effect.map(load, (settings) => settings.port)
 * ```
 * @module
 */
import { SchemaProblems } from "@gridwork/core"
import { Effect, Config as EffectConfig, Option, Schema } from "effect"

/** A string that is not empty. */
export const NonEmpty = Schema.String.check(Schema.isMinLength(1))

/** A TCP port (0 picks a free one). */
export const Port = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65_535 }))

/** A PostgreSQL URL (`postgres://` or `postgresql://`). */
export const DatabaseUrl = Schema.String.check(
  Schema.isPattern(/^postgres(ql)?:\/\/\S+$/, { expected: "a URL such as postgres://user:password@host:5432/db" })
)

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

/** The settings fields every service has; spread them into the service's `Schema.Struct`. */
export const fields = {
  port: Port,
  host: NonEmpty,
  modelFile: NonEmpty,
  dataDir: NonEmpty,
  databaseUrl: Schema.optionalKey(DatabaseUrl),
  natsUrl: Schema.optionalKey(NonEmpty),
  auth: AuthSettings
}

/** The common settings alone. */
export const CommonSettings = Schema.Struct(fields)
/** @see {@link CommonSettings} */
export type CommonSettings = typeof CommonSettings.Type

/** The environment variable behind each common settings field, for error messages. */
export const variables: Readonly<Record<keyof typeof fields, string>> = {
  port: "PORT",
  host: "HOST",
  modelFile: "GRIDWORK_MODEL",
  dataDir: "GRIDWORK_DATA_DIR",
  databaseUrl: "DATABASE_URL",
  natsUrl: "NATS_URL",
  auth: "GRIDWORK_JWKS_URL / GRIDWORK_JWT_ISSUER / GRIDWORK_JWT_AUDIENCE / GRIDWORK_DEV_AUTH"
}

/** The configuration is missing something or breaks a rule; each problem names its variable. */
export class ConfigInvalid extends Schema.TaggedError<ConfigInvalid>()("ConfigInvalid", {
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `invalid configuration:\n${this.problems.map((p) => `  ${p}`).join("\n")}`
  }
}

/** The service-specific defaults of the common variables. */
export interface Defaults {
  /** `PORT`. */
  readonly port: number
  /** `HOST` (default `127.0.0.1`). */
  readonly host?: string | undefined
  /** `GRIDWORK_MODEL`. */
  readonly modelFile: string
  /** `GRIDWORK_DATA_DIR`. */
  readonly dataDir: string
  /** `GRIDWORK_JWT_AUDIENCE`. */
  readonly audience: string
  /** The development issuer's `iss` when `GRIDWORK_JWT_ISSUER` is unset (default {@link DEV_ISSUER}). */
  readonly devIssuer?: string | undefined
}

/** The default `HOST`. */
export const DEFAULT_HOST = "127.0.0.1"

/** The development issuer's default `iss`. */
export const DEV_ISSUER = "urn:gridwork:dev-issuer"

/**
 * Checks raw settings against `settings` and names the variable of every problem (the
 * common {@link variables}, then the service's `extra` names; otherwise the path).
 */
export const decode =
  <S extends Schema.Decoder<unknown>>(settings: S, extraVariables: Readonly<Record<string, string>> = {}) =>
  (input: unknown): Effect.Effect<S["Type"], ConfigInvalid> => {
    const names: Readonly<Record<string, string>> = { ...variables, ...extraVariables }
    return Schema.decodeUnknownEffect(settings)(input, { errors: "all", onExcessProperty: "error" }).pipe(
      Effect.mapError(
        (error) =>
          new ConfigInvalid({
            problems: SchemaProblems.fromIssue(error.issue).map((problem) => {
              const field = problem.path[0]
              const variable = typeof field === "string" ? names[field] : undefined
              return `${variable ?? (problem.path.map(String).join(".") || "configuration")}: ${problem.message}`
            })
          })
      )
    )
  }

/** An optional variable; blank counts as unset. */
export const optionalString = (name: string): EffectConfig.Config<Option.Option<string>> =>
  EffectConfig.option(EffectConfig.String(name)).pipe(
    EffectConfig.map(Option.filter((value: string) => value.trim() !== ""))
  )

/** `raw` as a whole number, or a problem naming `name` pushed onto `problems` (then `NaN`). */
export const wholeNumber = (name: string, raw: string, problems: Array<string>): number => {
  if (!/^\d{1,6}$/.test(raw.trim())) {
    problems.push(`${name}: expected a whole number, got ${raw}`)
    return Number.NaN
  }
  return Number(raw)
}

/** What {@link load} needs from the service. */
export interface LoadOptions<E, S extends Schema.Decoder<unknown>> {
  /** The service's defaults of the common variables. */
  readonly defaults: Defaults
  /** The service's own variables, read with `Config`. */
  readonly extra: EffectConfig.Config<E>
  /**
   * Turns the service's raw variables into settings fields, pushing one problem per bad
   * value (`"<VARIABLE>: <rule>, got <value>"`); runs after the `PORT` and
   * `GRIDWORK_DEV_AUTH` checks and before the authentication check.
   */
  readonly check: (extra: E, problems: Array<string>) => Readonly<Record<string, unknown>>
  /** The Schema of the whole settings (usually `Schema.Struct({ ...fields, ... })`). */
  readonly settings: S
  /** The environment variable behind each of the service's own fields. */
  readonly variables?: Readonly<Record<string, string>> | undefined
}

/**
 * Reads and checks the settings from the environment (`Config`). Authentication must
 * be configured: an identity provider (`GRIDWORK_JWKS_URL` and `GRIDWORK_JWT_ISSUER`)
 * or, for development, `GRIDWORK_DEV_AUTH=true`. Every problem is reported at once.
 */
export const load = <E, S extends Schema.Decoder<unknown>>(
  options: LoadOptions<E, S>
): Effect.Effect<S["Type"], ConfigInvalid> =>
  Effect.gen(function* () {
    const { defaults } = options
    const { raw, extra } = yield* EffectConfig.all({
      raw: EffectConfig.all({
        port: EffectConfig.withDefault(EffectConfig.String("PORT"), String(defaults.port)),
        host: EffectConfig.withDefault(EffectConfig.String("HOST"), defaults.host ?? DEFAULT_HOST),
        modelFile: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_MODEL"), defaults.modelFile),
        dataDir: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DATA_DIR"), defaults.dataDir),
        databaseUrl: optionalString("DATABASE_URL"),
        natsUrl: optionalString("NATS_URL"),
        jwksUrl: optionalString("GRIDWORK_JWKS_URL"),
        issuer: optionalString("GRIDWORK_JWT_ISSUER"),
        audience: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_JWT_AUDIENCE"), defaults.audience),
        devAuth: EffectConfig.withDefault(EffectConfig.String("GRIDWORK_DEV_AUTH"), "false")
      }),
      extra: options.extra
    }).pipe(Effect.mapError((error) => new ConfigInvalid({ problems: [error.message] })))

    const problems: Array<string> = []
    if (!/^\d{1,5}$/.test(raw.port.trim())) problems.push(`PORT: expected a port number 0-65535, got ${raw.port}`)
    const devAuth = raw.devAuth.trim().toLowerCase()
    if (!["true", "false", "1", "0", ""].includes(devAuth)) {
      problems.push(`GRIDWORK_DEV_AUTH: expected true or false, got ${raw.devAuth}`)
    }
    const own = options.check(extra, problems)
    let auth: AuthSettings | undefined
    if (Option.isSome(raw.jwksUrl)) {
      if (Option.isNone(raw.issuer)) problems.push("GRIDWORK_JWT_ISSUER: required with GRIDWORK_JWKS_URL")
      else auth = { _tag: "Jwks", jwksUrl: raw.jwksUrl.value, issuer: raw.issuer.value, audience: raw.audience }
    } else if (devAuth === "true" || devAuth === "1") {
      auth = {
        _tag: "Dev",
        issuer: Option.getOrElse(raw.issuer, () => defaults.devIssuer ?? DEV_ISSUER),
        audience: raw.audience
      }
    } else {
      problems.push(
        "authentication: set GRIDWORK_JWKS_URL and GRIDWORK_JWT_ISSUER (your identity provider), or GRIDWORK_DEV_AUTH=true for development"
      )
    }
    if (problems.length > 0 || auth === undefined) return yield* new ConfigInvalid({ problems })
    return yield* decode(
      options.settings,
      options.variables
    )({
      port: Number(raw.port),
      host: raw.host,
      modelFile: raw.modelFile,
      dataDir: raw.dataDir,
      ...Option.match(raw.databaseUrl, { onNone: () => ({}), onSome: (databaseUrl) => ({ databaseUrl }) }),
      ...Option.match(raw.natsUrl, { onNone: () => ({}), onSome: (natsUrl) => ({ natsUrl }) }),
      auth,
      ...own
    })
  })
