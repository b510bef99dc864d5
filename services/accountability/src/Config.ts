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
import { ServiceConfig } from "@gridwork/service-kit"
import { Duration, type Effect, Config as EffectConfig, Option, Schema } from "effect"

const NonEmpty = ServiceConfig.NonEmpty

/** How callers are authenticated. */
export const AuthSettings = ServiceConfig.AuthSettings
/** @see {@link AuthSettings} */
export type AuthSettings = ServiceConfig.AuthSettings

/** The settings of the service (see the module documentation for the variables). */
export const Settings = Schema.Struct({
  ...ServiceConfig.fields,
  policyFiles: Schema.Array(NonEmpty),
  ledgerKeyFile: Schema.optionalKey(NonEmpty),
  checkpointEveryMillis: Schema.Int.check(Schema.isBetween({ minimum: 1_000, maximum: 24 * 3_600_000 }))
})
/** @see {@link Settings} */
export type Settings = typeof Settings.Type

/** The configuration is missing something or breaks a rule. */
export const ConfigInvalid = ServiceConfig.ConfigInvalid
/** @see {@link ConfigInvalid} */
export type ConfigInvalid = ServiceConfig.ConfigInvalid

/** The environment variable behind each of the service's own settings fields, for error messages. */
const variableOf: Readonly<Record<string, string>> = {
  policyFiles: "GRIDWORK_POLICY",
  ledgerKeyFile: "GRIDWORK_LEDGER_KEY_FILE",
  checkpointEveryMillis: "GRIDWORK_CHECKPOINT_EVERY"
}

/** The defaults of the settings that have one. */
export const defaults = {
  port: 4100,
  host: ServiceConfig.DEFAULT_HOST,
  modelFile: "examples/localities/lanxi-county.yaml",
  dataDir: ".gridwork/data/accountability",
  audience: "gridwork-accountability",
  devIssuer: ServiceConfig.DEV_ISSUER,
  checkpointEvery: "1 minute"
} as const

/** Checks raw settings (e.g. from tests) and names the variable of every problem. */
export const decode: (input: unknown) => Effect.Effect<Settings, ConfigInvalid> = ServiceConfig.decode(
  Settings,
  variableOf
)

/**
 * Reads and checks the settings from the environment (`Config`). Authentication must
 * be configured: an identity provider (`GRIDWORK_JWKS_URL` and `GRIDWORK_JWT_ISSUER`)
 * or, for development, `GRIDWORK_DEV_AUTH=true`.
 */
export const load: Effect.Effect<Settings, ConfigInvalid> = ServiceConfig.load({
  defaults,
  extra: EffectConfig.all({
    policy: ServiceConfig.optionalString("GRIDWORK_POLICY"),
    ledgerKeyFile: ServiceConfig.optionalString("GRIDWORK_LEDGER_KEY_FILE"),
    checkpointEvery: EffectConfig.withDefault(
      EffectConfig.String("GRIDWORK_CHECKPOINT_EVERY"),
      defaults.checkpointEvery
    )
  }),
  check: (raw, problems) => {
    const every = Duration.fromInput(raw.checkpointEvery as Duration.Input)
    if (Option.isNone(every)) {
      problems.push(`GRIDWORK_CHECKPOINT_EVERY: expected a duration such as "1 minute", got ${raw.checkpointEvery}`)
    }
    return {
      policyFiles: Option.match(raw.policy, {
        onNone: () => [],
        onSome: (value) =>
          value
            .split(",")
            .map((file) => file.trim())
            .filter((file) => file !== "")
      }),
      ...Option.match(raw.ledgerKeyFile, { onNone: () => ({}), onSome: (ledgerKeyFile) => ({ ledgerKeyFile }) }),
      checkpointEveryMillis: Option.match(every, { onNone: () => 0, onSome: Duration.toMillis })
    }
  },
  settings: Settings,
  variables: variableOf
})
