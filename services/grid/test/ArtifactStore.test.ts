import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeServices } from "@effect/platform-node"
import { describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { afterAll, assert } from "vitest"
import { ArtifactStore, sha256 } from "../src/storage/ArtifactStore"

const encoder = new TextEncoder()
const directory = mkdtempSync(join(tmpdir(), "grid-artifacts-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const contract = (name: string, layer: Layer.Layer<ArtifactStore, unknown>) =>
  describe(name, () => {
    it.effect("stores bytes under their SHA-256, once, and returns them", () =>
      Effect.gen(function* () {
        const store = yield* ArtifactStore
        const bytes = encoder.encode('{"type":"FeatureCollection","features":[]}')
        const digest = yield* store.put(bytes)
        assert.strictEqual(digest, sha256(bytes))
        assert.match(digest, /^[0-9a-f]{64}$/)
        assert.strictEqual(yield* store.put(bytes), digest)
        assert.deepStrictEqual(yield* store.get(digest), bytes)
        assert.isTrue(yield* store.has(digest))
      }).pipe(Effect.provide(layer))
    )

    it.effect("answers ArtifactNotFound for an unknown digest", () =>
      Effect.gen(function* () {
        const store = yield* ArtifactStore
        const error = yield* Effect.flip(store.get("0".repeat(64)))
        assert.strictEqual(error._tag, "ArtifactNotFound")
        assert.isFalse(yield* store.has("not-a-digest"))
      }).pipe(Effect.provide(layer))
    )
  })

contract("ArtifactStore.layerMemory", ArtifactStore.layerMemory)
const fileLayer = ArtifactStore.layerFileSystem(directory).pipe(Layer.provide(NodeServices.layer))
contract("ArtifactStore.layerFileSystem", fileLayer)

describe("ArtifactStore.layerFileSystem", () => {
  it.effect("finds a file damaged on disk and refuses to serve it", () =>
    Effect.gen(function* () {
      const store = yield* ArtifactStore
      const digest = yield* store.put(encoder.encode("grids, version 1"))
      writeFileSync(join(directory, digest.slice(0, 2), digest), "grids, version 2")
      const error = yield* Effect.flip(store.get(digest))
      assert.strictEqual(error._tag, "ArtifactCorrupt")
      assert.deepStrictEqual(
        readdirSync(join(directory, digest.slice(0, 2))).filter((f) => f.endsWith(".tmp")),
        []
      )
    }).pipe(Effect.provide(fileLayer))
  )
})
