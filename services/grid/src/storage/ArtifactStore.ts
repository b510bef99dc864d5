/**
 * Content-addressed storage of the service's large artefacts: uploaded unit sets,
 * validation reports, grids GeoJSON files, serialized lookup indexes, assignments CSVs.
 * An artefact is named by the SHA-256 of its bytes; the events name artefacts by that
 * digest, so what the event store says was published and what is served cannot drift
 * apart, and an artefact is written once and never changed.
 *
 * - `put(bytes)` stores the bytes (once; storing the same bytes again is a no-op) and
 *   returns their digest.
 * - `get(digest)` returns them, checking the digest on the way out
 *   ({@link ArtifactCorrupt} when a file was damaged on disk).
 *
 * {@link ArtifactStore.layerFileSystem} keeps them as files `<dir>/<2 hex>/<64 hex>`,
 * written to a temporary name and renamed (a crash never leaves half a file under a
 * digest); {@link ArtifactStore.layerMemory} keeps them in memory (tests, demos).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ArtifactStore } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const store = yield* ArtifactStore.ArtifactStore
 *   const digest = yield* store.put(new TextEncoder().encode("{}"))
 *   return yield* store.get(digest)
 * }).pipe(Effect.provide(ArtifactStore.ArtifactStore.layerMemory))
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import { Context, Effect, FileSystem, Layer, Path, Random, Schema } from "effect"
import type { Sha256 } from "../domain/GridEvents"

/** No artefact has this digest. */
export class ArtifactNotFound extends Schema.TaggedError<ArtifactNotFound>()("ArtifactNotFound", {
  digest: Schema.String
}) {
  override get message(): string {
    return `no artefact ${this.digest}`
  }
}

/** A stored artefact no longer matches its digest. */
export class ArtifactCorrupt extends Schema.TaggedError<ArtifactCorrupt>()("ArtifactCorrupt", {
  digest: Schema.String,
  actual: Schema.String
}) {
  override get message(): string {
    return `artefact ${this.digest} is damaged (its bytes hash to ${this.actual})`
  }
}

/** The storage failed (disk full, permissions). */
export class ArtifactStoreFailure extends Schema.TaggedError<ArtifactStoreFailure>()("ArtifactStoreFailure", {
  operation: Schema.String,
  reason: Schema.String
}) {
  override get message(): string {
    return `artefact store failed during ${this.operation}: ${this.reason}`
  }
}

/** Why reading an artefact fails. */
export type ReadError = ArtifactNotFound | ArtifactCorrupt | ArtifactStoreFailure

/** The store's operations. */
export interface ArtifactStoreShape {
  /** Stores `bytes` (idempotently) and returns their SHA-256. */
  readonly put: (bytes: Uint8Array) => Effect.Effect<Sha256, ArtifactStoreFailure>
  /** The bytes stored under `digest`, checked against it. */
  readonly get: (digest: string) => Effect.Effect<Uint8Array, ReadError>
  /** Whether an artefact is stored. */
  readonly has: (digest: string) => Effect.Effect<boolean, ArtifactStoreFailure>
}

/** The SHA-256 of some bytes, 64 lowercase hex digits. */
export const sha256 = (bytes: Uint8Array): Sha256 => createHash("sha256").update(bytes).digest("hex")

const digestPattern = /^[0-9a-f]{64}$/

const checked = (digest: string, bytes: Uint8Array): Effect.Effect<Uint8Array, ArtifactCorrupt> => {
  const actual = sha256(bytes)
  return actual === digest ? Effect.succeed(bytes) : Effect.fail(new ArtifactCorrupt({ digest, actual }))
}

/** The artefact store. */
export class ArtifactStore extends Context.Service<ArtifactStore, ArtifactStoreShape>()(
  "@gridwork/service-grid/storage/ArtifactStore"
) {
  /** Artefacts in memory, for the life of the layer. */
  static readonly layerMemory: Layer.Layer<ArtifactStore> = Layer.sync(ArtifactStore, () => {
    const stored = new Map<string, Uint8Array>()
    return ArtifactStore.of({
      put: (bytes) =>
        Effect.sync(() => {
          const digest = sha256(bytes)
          if (!stored.has(digest)) stored.set(digest, Uint8Array.from(bytes))
          return digest
        }),
      get: (digest) => {
        const bytes = stored.get(digest)
        return bytes === undefined ? Effect.fail(new ArtifactNotFound({ digest })) : checked(digest, bytes)
      },
      has: (digest) => Effect.sync(() => stored.has(digest))
    })
  })

  /** Artefacts as files under `directory` (created when missing). */
  static layerFileSystem(
    directory: string
  ): Layer.Layer<ArtifactStore, ArtifactStoreFailure, FileSystem.FileSystem | Path.Path> {
    return Layer.effect(
      ArtifactStore,
      Effect.gen(function* () {
        const fs = yield* FileSystem.FileSystem
        const path = yield* Path.Path
        const root = path.resolve(directory)
        const fail = (operation: string) => (error: { readonly message: string }) =>
          new ArtifactStoreFailure({ operation, reason: error.message })
        yield* fs.makeDirectory(root, { recursive: true }).pipe(Effect.mapError(fail("open")))
        const fileOf = (digest: string) => path.join(root, digest.slice(0, 2), digest)
        const has = (digest: string) =>
          digestPattern.test(digest)
            ? fs.exists(fileOf(digest)).pipe(Effect.mapError(fail("has")))
            : Effect.succeed(false)
        const put = (bytes: Uint8Array) =>
          Effect.gen(function* () {
            const digest = sha256(bytes)
            if (yield* has(digest)) return digest
            const file = fileOf(digest)
            yield* fs.makeDirectory(path.dirname(file), { recursive: true }).pipe(Effect.mapError(fail("put")))
            const suffix = yield* Random.nextIntBetween(0, 0x7fffffff)
            const temporary = `${file}.${suffix.toString(16)}.tmp`
            yield* fs.writeFile(temporary, bytes).pipe(Effect.mapError(fail("put")))
            yield* fs.rename(temporary, file).pipe(Effect.mapError(fail("put")))
            return digest
          })
        const get = (digest: string): Effect.Effect<Uint8Array, ReadError> =>
          Effect.gen(function* () {
            if (!(yield* has(digest))) return yield* new ArtifactNotFound({ digest })
            const bytes = yield* fs.readFile(fileOf(digest)).pipe(Effect.mapError(fail("get")))
            return yield* checked(digest, bytes)
          })
        return ArtifactStore.of({ put, get, has })
      })
    )
  }
}
