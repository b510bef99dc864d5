/**
 * JWT bearer-token verification against a configured JWKS, with `jose`.
 *
 * Only asymmetric signatures are accepted (RS256/384/512, PS256/384/512,
 * ES256/384/512, EdDSA/Ed25519): a token whose header says `alg: none` or `HS*` is
 * refused *before* any key is looked up, so the classic key-confusion attack (an
 * HS256 token "signed" with the server's public key as HMAC secret) cannot work, and
 * symmetric or private keys are refused in the configuration. `iss`, `aud`, `exp`
 * (required), `nbf` (when present) and `sub` (required) are checked against the
 * `Clock` with a configurable tolerance (30 s by default).
 *
 * Keys come from a static JWKS (`{ keys: [...] }`, via `createLocalJWKSet`) or from a
 * URL (`{ url }`, via `createRemoteJWKSet`, cached for `cacheMaxAgeSeconds`, default
 * 10 min, refetched at most every `cooldownSeconds` when an unknown `kid` shows up).
 *
 * Claims mapped to the {@link Principal}: `sub` → `subject`, `iss` → `issuer`,
 * `roles` → `roles`, `jurisdictions` → `jurisdictions` (claim names configurable).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { JwtVerifier } from "@gridwork/service-kit"
 *
 * const verifier = JwtVerifier.make({
 *   issuer: "https://id.lanxi.example",
 *   audience: "gridwork-petition",
 *   jwks: { url: "https://id.lanxi.example/.well-known/jwks.json" }
 * })
 * const principal = verifier.verify("eyJ...") // Effect<Principal, AuthenticationFailed | AuthenticationUnavailable>
 * ```
 * @module
 */
import { Clock, Effect, Result, Schema } from "effect"
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  type FetchImplementation,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify
} from "jose"
import { decodeOptions } from "../problem/OptionsError"
import { Principal } from "./Principal"

/** The accepted JWS algorithms: asymmetric only. */
export const AsymmetricAlgorithm = Schema.Literals([
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519"
])
/** @see {@link AsymmetricAlgorithm} */
export type AsymmetricAlgorithm = typeof AsymmetricAlgorithm.Type

const base64url = Schema.String.check(
  Schema.isPattern(/^[A-Za-z0-9_-]+$/, { expected: "a base64url string" }),
  Schema.isMaxLength(4096)
)

/**
 * A public signing key (JWK). Private members (`d`, `p`, `q`, ...) and symmetric keys
 * (`kty: "oct"`) are refused: a verifier must never hold signing material.
 */
export const PublicJwk = Schema.Struct({
  kty: Schema.Literals(["RSA", "EC", "OKP"]),
  kid: Schema.optional(Schema.String),
  alg: Schema.optional(AsymmetricAlgorithm),
  use: Schema.optional(Schema.Literal("sig")),
  key_ops: Schema.optional(Schema.Array(Schema.Literal("verify"))),
  ext: Schema.optional(Schema.Boolean),
  crv: Schema.optional(Schema.Literals(["P-256", "P-384", "P-521", "Ed25519"])),
  x: Schema.optional(base64url),
  y: Schema.optional(base64url),
  n: Schema.optional(base64url),
  e: Schema.optional(base64url),
  x5c: Schema.optional(Schema.Array(Schema.String)),
  x5t: Schema.optional(Schema.String),
  "x5t#S256": Schema.optional(Schema.String)
}).annotate({ identifier: "PublicJwk" })
/** @see {@link PublicJwk} */
export type PublicJwk = typeof PublicJwk.Type

const isLocalHost = (host: string): boolean =>
  host === "localhost" || host === "127.0.0.1" || host === "[::1]" || host.endsWith(".localhost")

const JwksUrl = Schema.String.check(
  Schema.makeFilter(
    (value: string) => {
      try {
        const url = new URL(value)
        return url.protocol === "https:" || (url.protocol === "http:" && isLocalHost(url.hostname))
      } catch {
        return false
      }
    },
    { expected: "an https URL (http only for localhost)" }
  )
)

const NonEmpty = Schema.String.check(Schema.isMinLength(1))
const OneOrMany = Schema.Union([NonEmpty, Schema.NonEmptyArray(NonEmpty)])

/** The data part of {@link Options}, validated at construction. */
export const OptionsSchema = Schema.Struct({
  issuer: OneOrMany,
  audience: OneOrMany,
  jwks: Schema.Union([
    Schema.Struct({ keys: Schema.NonEmptyArray(PublicJwk) }),
    Schema.Struct({
      url: JwksUrl,
      cacheMaxAgeSeconds: Schema.optional(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 86_400 }))),
      cooldownSeconds: Schema.optional(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 3_600 }))),
      timeoutSeconds: Schema.optional(Schema.Finite.check(Schema.isBetween({ minimum: 0.1, maximum: 60 })))
    })
  ]),
  algorithms: Schema.optional(Schema.NonEmptyArray(AsymmetricAlgorithm)),
  clockToleranceSeconds: Schema.optional(Schema.Finite.check(Schema.isBetween({ minimum: 0, maximum: 300 }))),
  rolesClaim: Schema.optional(NonEmpty),
  jurisdictionsClaim: Schema.optional(NonEmpty)
})

/** Options of {@link make}. */
export interface Options {
  /** Accepted `iss` value(s). */
  readonly issuer: string | ReadonlyArray<string>
  /** Accepted `aud` value(s): the token must name at least one. */
  readonly audience: string | ReadonlyArray<string>
  /** Static public keys, or the URL of a JWKS document (cached). */
  readonly jwks:
    | { readonly keys: ReadonlyArray<unknown> }
    | {
        readonly url: string
        readonly cacheMaxAgeSeconds?: number | undefined
        readonly cooldownSeconds?: number | undefined
        readonly timeoutSeconds?: number | undefined
      }
  /** Accepted algorithms (a subset of {@link AsymmetricAlgorithm}; default all of them). */
  readonly algorithms?: ReadonlyArray<AsymmetricAlgorithm> | undefined
  /** Leeway for `exp` and `nbf`, in seconds (default 30). */
  readonly clockToleranceSeconds?: number | undefined
  /** Claim holding the role codes (default `roles`). */
  readonly rolesClaim?: string | undefined
  /** Claim holding the jurisdiction codes in scope (default `jurisdictions`). */
  readonly jurisdictionsClaim?: string | undefined
  /** `fetch` used for a remote JWKS (default the global `fetch`). */
  readonly fetch?: FetchImplementation | undefined
}

/** Why a token was refused. */
export const FailureReason = Schema.Literals([
  "malformed",
  "algorithm",
  "signature",
  "unknown-key",
  "expired",
  "not-yet-valid",
  "issuer",
  "audience",
  "claims"
])
/** @see {@link FailureReason} */
export type FailureReason = typeof FailureReason.Type

/** The token was refused (answered with 401). `message` is safe to return to the client. */
export class AuthenticationFailed extends Schema.TaggedError<AuthenticationFailed>()("AuthenticationFailed", {
  reason: FailureReason,
  message: Schema.String
}) {}

/** The keys could not be fetched (answered with 503): not the client's fault. */
export class AuthenticationUnavailable extends Schema.TaggedError<AuthenticationUnavailable>()(
  "AuthenticationUnavailable",
  { message: Schema.String }
) {}

const messages: Readonly<Record<FailureReason, string>> = {
  malformed: "The bearer token is not a well-formed JWT",
  algorithm: "The token's signing algorithm is not accepted (asymmetric algorithms only)",
  signature: "The token's signature does not verify",
  "unknown-key": "The token was signed with a key this service does not know",
  expired: "The token has expired",
  "not-yet-valid": "The token is not valid yet (nbf)",
  issuer: "The token's issuer is not accepted",
  audience: "The token is not meant for this service (aud)",
  claims: "The token's claims are missing or invalid"
}

const failed = (reason: FailureReason): AuthenticationFailed =>
  new AuthenticationFailed({ reason, message: messages[reason] })

/** A configured verifier. */
export interface JwtVerifier {
  /** Verifies a compact JWS and returns the caller. */
  readonly verify: (token: string) => Effect.Effect<Principal, AuthenticationFailed | AuthenticationUnavailable>
  /** The accepted algorithms. */
  readonly algorithms: ReadonlyArray<AsymmetricAlgorithm>
}

const allAlgorithms: ReadonlyArray<AsymmetricAlgorithm> = AsymmetricAlgorithm.literals

const mapJoseError = (error: unknown, remote: boolean): AuthenticationFailed | AuthenticationUnavailable => {
  if (error instanceof errors.JWTExpired) return failed("expired")
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "nbf":
        return failed("not-yet-valid")
      case "iss":
        return failed("issuer")
      case "aud":
        return failed("audience")
      default:
        return failed("claims")
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return failed("algorithm")
  if (error instanceof errors.JWSSignatureVerificationFailed) return failed("signature")
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return failed("unknown-key")
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return failed("malformed")
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || remote) {
    return new AuthenticationUnavailable({ message: "The signing keys could not be fetched" })
  }
  return failed("malformed")
}

const stringArrayClaim = (payload: JWTPayload, claim: string): unknown => payload[claim] ?? []

/**
 * Builds a verifier. Throws an `Error` naming the path and the rule when the options
 * are invalid (a configuration error at start-up, not a request error).
 */
export const make = (options: Options): JwtVerifier => {
  const { fetch, ...data } = options
  const config = decodeOptions(OptionsSchema, "JwtVerifier options", data)
  const algorithms = config.algorithms ?? allAlgorithms
  const allowed = new Set<string>(algorithms)
  const remote = "url" in config.jwks
  const keySet: JWTVerifyGetKey =
    "url" in config.jwks
      ? createRemoteJWKSet(new URL(config.jwks.url), {
          ...(config.jwks.cacheMaxAgeSeconds === undefined
            ? {}
            : { cacheMaxAge: config.jwks.cacheMaxAgeSeconds * 1000 }),
          ...(config.jwks.cooldownSeconds === undefined
            ? {}
            : { cooldownDuration: config.jwks.cooldownSeconds * 1000 }),
          ...(config.jwks.timeoutSeconds === undefined ? {} : { timeoutDuration: config.jwks.timeoutSeconds * 1000 }),
          ...(fetch === undefined ? {} : { [customFetch]: fetch })
        })
      : createLocalJWKSet({ keys: config.jwks.keys.map((key) => ({ ...key })) } as JSONWebKeySet)
  const issuer = typeof config.issuer === "string" ? config.issuer : [...config.issuer]
  const audience = typeof config.audience === "string" ? config.audience : [...config.audience]
  const clockTolerance = config.clockToleranceSeconds ?? 30
  const rolesClaim = config.rolesClaim ?? "roles"
  const jurisdictionsClaim = config.jurisdictionsClaim ?? "jurisdictions"
  const decodePrincipal = Schema.decodeUnknownResult(Principal)

  const verify = Effect.fnUntraced(function* (
    token: string
  ): Effect.fn.Return<Principal, AuthenticationFailed | AuthenticationUnavailable> {
    if (token.length === 0 || token.length > 16_384) return yield* failed("malformed")
    const header = yield* Effect.try({ try: () => decodeProtectedHeader(token), catch: () => failed("malformed") })
    if (typeof header.alg !== "string" || !allowed.has(header.alg)) return yield* failed("algorithm")
    const now = yield* Clock.currentTimeMillis
    const verified = yield* Effect.tryPromise({
      try: () =>
        jwtVerify(token, keySet, {
          issuer,
          audience,
          algorithms: [...algorithms],
          clockTolerance,
          currentDate: new Date(now),
          requiredClaims: ["exp", "sub", "iss", "aud"]
        }),
      catch: (error) => mapJoseError(error, remote)
    })
    const payload = verified.payload
    const principal = decodePrincipal({
      subject: payload.sub,
      issuer: payload.iss,
      roles: stringArrayClaim(payload, rolesClaim),
      jurisdictions: stringArrayClaim(payload, jurisdictionsClaim)
    })
    if (Result.isFailure(principal)) return yield* failed("claims")
    return principal.success
  })
  return { verify, algorithms }
}
