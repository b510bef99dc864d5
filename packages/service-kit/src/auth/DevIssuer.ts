/**
 * **NOT FOR PRODUCTION.** A development token issuer: it generates an Ed25519 (or
 * P-256) key pair in memory, serves the public half at `/.well-known/jwks.json`, and
 * mints tokens for any subject, roles and jurisdictions you ask for. It exists for the
 * demo, for tests, and for trying a service locally without an identity provider.
 *
 * It refuses to start when `NODE_ENV` is `production` (read through `Config`) unless
 * `allowInProduction: true` is passed explicitly; anyone who can reach `mint` can
 * impersonate anybody.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { DevIssuer, JwtVerifier } from "@gridwork/service-kit"
 *
 * const program = Effect.gen(function* () {
 *   const issuer = yield* DevIssuer.make({ issuer: "http://localhost:4000", audience: "gridwork-petition" })
 *   const token = yield* issuer.mint({ subject: "clerk-1", roles: ["petition-handler"], jurisdictions: ["lanxi"] })
 *   const verifier = JwtVerifier.make(issuer.verifierOptions)
 *   return yield* verifier.verify(token)
 * })
 * ```
 * @module
 */
import { Clock, Config, Effect, Schema } from "effect"
import { Hono } from "hono"
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JSONWebKeySet, type JWK, SignJWT } from "jose"
import { decodeOptions } from "../problem/OptionsError"
import type * as JwtVerifier from "./JwtVerifier"

/** Options of {@link make}. */
export const OptionsSchema = Schema.Struct({
  /** `iss` of minted tokens (use the URL the issuer is served at). */
  issuer: Schema.String.check(Schema.isMinLength(1)),
  /** Default `aud` of minted tokens. */
  audience: Schema.String.check(Schema.isMinLength(1)),
  /** Signing algorithm (default `EdDSA`, Ed25519). */
  algorithm: Schema.optional(Schema.Literals(["EdDSA", "ES256"])),
  /** Default lifetime of minted tokens in seconds (default 3600). */
  ttlSeconds: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 86_400 }))),
  /** Start even when `NODE_ENV=production`. Think twice. */
  allowInProduction: Schema.optional(Schema.Boolean)
})
/** @see {@link OptionsSchema} */
export type Options = typeof OptionsSchema.Encoded

/** What to put in a minted token. */
export interface MintRequest {
  /** `sub`. */
  readonly subject: string
  /** `roles` claim (role codes). */
  readonly roles?: ReadonlyArray<string> | undefined
  /** `jurisdictions` claim (jurisdiction codes in scope). */
  readonly jurisdictions?: ReadonlyArray<string> | undefined
  /** Lifetime from now in seconds (negative mints an already expired token). */
  readonly expiresInSeconds?: number | undefined
  /** `nbf` as seconds from now (positive: not valid yet). Omitted by default. */
  readonly notBeforeInSeconds?: number | undefined
  /** Override `aud` (tests of wrong audiences). */
  readonly audience?: string | undefined
  /** Override `iss` (tests of wrong issuers). */
  readonly issuer?: string | undefined
}

/** The issuer refused to start (production without `allowInProduction`). */
export class DevIssuerRefused extends Schema.TaggedError<DevIssuerRefused>()("DevIssuerRefused", {
  message: Schema.String
}) {}

/** A running development issuer. */
export interface DevIssuer {
  /** `iss` of the tokens it mints. */
  readonly issuer: string
  /** Default `aud`. */
  readonly audience: string
  /** `EdDSA` or `ES256`. */
  readonly algorithm: "EdDSA" | "ES256"
  /** The public JWKS (one key). */
  readonly jwks: JSONWebKeySet
  /** A Hono app serving `GET /.well-known/jwks.json`. */
  readonly app: Hono
  /** Mints a signed token, times from the `Clock`. */
  readonly mint: (request: MintRequest) => Effect.Effect<string>
  /** `JwtVerifier` options trusting this issuer's key (static JWKS). */
  readonly verifierOptions: JwtVerifier.Options
}

/** Path of the JWKS document served by {@link DevIssuer.app}. */
export const JWKS_PATH = "/.well-known/jwks.json"

/** Starts a development issuer (generates its key pair). */
export const make = Effect.fnUntraced(function* (options: Options): Effect.fn.Return<DevIssuer, DevIssuerRefused> {
  const config = decodeOptions(OptionsSchema, "DevIssuer options", options)
  const nodeEnv = yield* Config.String("NODE_ENV").pipe(
    Config.withDefault(""),
    Effect.orElseSucceed(() => "")
  )
  if (nodeEnv === "production" && config.allowInProduction !== true) {
    return yield* new DevIssuerRefused({
      message: "DevIssuer is not for production: NODE_ENV=production and allowInProduction is not set"
    })
  }
  if (nodeEnv === "production") {
    yield* Effect.logWarning("DevIssuer running with NODE_ENV=production: anyone who can mint tokens is anyone")
  }
  const algorithm = config.algorithm ?? "EdDSA"
  const ttl = config.ttlSeconds ?? 3600
  const pair = yield* Effect.promise(() =>
    algorithm === "EdDSA" ? generateKeyPair("EdDSA", { crv: "Ed25519" }) : generateKeyPair("ES256")
  )
  const exported = yield* Effect.promise(() => exportJWK(pair.publicKey))
  const kid = `dev-${yield* Effect.promise(() => calculateJwkThumbprint(exported))}`
  const publicJwk: JWK = { ...exported, kid, alg: algorithm, use: "sig" }
  const jwks: JSONWebKeySet = { keys: [publicJwk] }
  const app = new Hono()
  app.get(JWKS_PATH, (c) => c.json(jwks, 200, { "cache-control": "public, max-age=300" }))

  const mint = (request: MintRequest): Effect.Effect<string> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const seconds = Math.floor(now / 1000)
      const jwt = new SignJWT({
        roles: [...(request.roles ?? [])],
        jurisdictions: [...(request.jurisdictions ?? [])]
      })
        .setProtectedHeader({ alg: algorithm, kid, typ: "JWT" })
        .setSubject(request.subject)
        .setIssuer(request.issuer ?? config.issuer)
        .setAudience(request.audience ?? config.audience)
        .setIssuedAt(seconds)
        .setExpirationTime(seconds + (request.expiresInSeconds ?? ttl))
      if (request.notBeforeInSeconds !== undefined) jwt.setNotBefore(seconds + request.notBeforeInSeconds)
      return Effect.promise(() => jwt.sign(pair.privateKey))
    })

  return {
    issuer: config.issuer,
    audience: config.audience,
    algorithm,
    jwks,
    app,
    mint,
    verifierOptions: { issuer: config.issuer, audience: config.audience, jwks: { keys: jwks.keys } }
  }
})
