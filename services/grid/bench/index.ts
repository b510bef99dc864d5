/**
 * Benchmarks of the grid service in-process (memory stores, one worker thread), on the
 * Providence blocks: wall time of upload + validation, partition job, publication, and
 * the throughput and latency of `GET /v1/locate` through the whole HTTP pipeline
 * (JWT verification, permission and jurisdiction checks, registry and roster catch-up,
 * index lookup, encoding).
 *
 *   npm run bench                      (in services/grid; memory stores)
 *   BENCH_STORE=sql npm run bench      (embedded PostgreSQL and artefact files in a temp dir)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeServices } from "@effect/platform-node"
import { Layer } from "effect"
import * as Storage from "../src/storage/Storage"
import * as Fixture from "../test/support/GridFixture"

const blocks = readFileSync(Fixture.providenceFile, "utf8")
const sql = process.env.BENCH_STORE === "sql"
const directory = sql ? mkdtempSync(join(tmpdir(), "grid-bench-")) : undefined
const stores =
  directory === undefined
    ? undefined
    : Storage.layerSql({ dataDir: join(directory, "db"), locality: "providence" }).pipe(
        Layer.provide(NodeServices.layer)
      )
console.log(`stores: ${sql ? "embedded PostgreSQL (PGlite) + artefact files" : "memory"}`)
const fixture = await Fixture.make(stores, { poolSize: 1 })
const token = await fixture.token(["grid-planner"])

const timed = async <A>(label: string, run: () => Promise<A>): Promise<A> => {
  const start = performance.now()
  const value = await run()
  console.log(`${label.padEnd(44)} ${(performance.now() - start).toFixed(0).padStart(7)} ms`)
  return value
}

const unitSet = await timed("upload + validate 3,014 blocks (1.7 MB)", async () => {
  const response = await Fixture.post(
    fixture,
    "/v1/unit-sets?idProperty=GEOID10&weightProperty=TOTPOP&communityProperty=WARD",
    token,
    blocks
  )
  return ((await response.json()) as { readonly unitSetId: string }).unitSetId
})
const jobId = await timed("partition job, requested to done (SSE)", async () => {
  const response = await Fixture.post(fixture, "/v1/partition-jobs", token, { unitSetId: unitSet, min: 750, max: 1250 })
  const id = ((await response.json()) as { readonly jobId: string }).jobId
  await (await Fixture.get(fixture, `/v1/partition-jobs/${id}/events`, token)).text()
  return id
})
await timed("publish (events + outbox, index load)", async () => {
  const response = await Fixture.post(fixture, "/v1/grid-versions", token, { jobId })
  if (response.status !== 201) throw new Error(`publish answered ${response.status}`)
})

const grids = JSON.parse(await (await Fixture.get(fixture, "/v1/grids", token)).text()) as {
  readonly features: ReadonlyArray<{ readonly geometry: { readonly coordinates: unknown } }>
}
let minX = Number.POSITIVE_INFINITY
let minY = Number.POSITIVE_INFINITY
let maxX = Number.NEGATIVE_INFINITY
let maxY = Number.NEGATIVE_INFINITY
const visit = (value: unknown): void => {
  if (Array.isArray(value) && typeof value[0] === "number") {
    minX = Math.min(minX, value[0] as number)
    maxX = Math.max(maxX, value[0] as number)
    minY = Math.min(minY, value[1] as number)
    maxY = Math.max(maxY, value[1] as number)
  } else if (Array.isArray(value)) for (const item of value) visit(item)
}
for (const feature of grids.features) visit(feature.geometry.coordinates)

let seed = 7
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}
const headers = Fixture.bearer(token)
const rounds = 3
const perRound = 2_000
for (let round = 1; round <= rounds; round++) {
  const latencies: Array<number> = []
  let inside = 0
  const start = performance.now()
  for (let i = 0; i < perRound; i++) {
    const lon = minX + random() * (maxX - minX)
    const lat = minY + random() * (maxY - minY)
    const t = performance.now()
    const response = await fixture.app.request(`/v1/locate?lon=${lon}&lat=${lat}`, { headers })
    if (response.status === 200) inside++
    await response.arrayBuffer()
    latencies.push(performance.now() - t)
  }
  const seconds = (performance.now() - start) / 1000
  latencies.sort((a, b) => a - b)
  console.log(
    `GET /v1/locate round ${round}: ${(perRound / seconds).toFixed(0)} req/s, p50 ${latencies[perRound >> 1]!.toFixed(2)} ms, p99 ${latencies[Math.floor(perRound * 0.99)]!.toFixed(2)} ms (${inside} of ${perRound} points in a grid)`
  )
}
await fixture.app.dispose()
if (directory !== undefined) rmSync(directory, { recursive: true, force: true })
