/**
 * Point → grid lookup benchmark. Run with `npm run bench` in packages/grid (all
 * benchmarks) or `node --conditions=@gridwork/source --import tsx bench/lookup.ts`.
 *
 * Grids: the 3,014 census blocks of Providence, RI, each used as a grid (data: MGGG
 * Redistricting Lab RI-shapefiles, ODbL 1.0 / DbCL 1.0), and a synthetic Voronoi tiling
 * of 10,000 grids over the same extent.
 *
 * Targets (the script sets a non-zero exit code when one is missed):
 * - 100% agreement with brute-force point-in-polygon on 1,000,000 random points;
 * - throughput at least twice that of `h3-js` `latLngToCell` at resolution 9, measured in
 *   the same run on the same points;
 * - index build for 10,000 grids in at most 100 ms (best warm run, CPU time of the
 *   process, which on an idle core equals the wall clock; wall clock and the first, cold
 *   run are reported too).
 */
import { readFileSync } from "node:fs"
import { availableParallelism, loadavg } from "node:os"
import { resolve } from "node:path"
import { Delaunay } from "d3-delaunay"
import { Result } from "effect"
import Flatbush from "flatbush"
import { latLngToCell } from "h3-js"
import { LookupIndex, PointInPolygon } from "../src"

const N = 1_000_000
const ROUNDS = 5
const TARGET_RATIO = 2
const TARGET_BUILD_MS = 100
let failed = false

const fmt = (n: number, digits = 2): string => n.toFixed(digits)
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}
const log = (label: string, value: string): void => console.log(`lookup  ${label.padEnd(60)} ${value}`)

/** xorshift32, deterministic. */
const makeRandom = (seed: number) => {
  let s = seed >>> 0 || 1
  return (): number => {
    s ^= s << 13
    s >>>= 0
    s ^= s >>> 17
    s ^= s << 5
    s >>>= 0
    return s / 4_294_967_296
  }
}

const randomPoints = (index: LookupIndex.LookupIndex, count: number, seed: number) => {
  const random = makeRandom(seed)
  const xs = new Float64Array(count)
  const ys = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    xs[i] = index.minX + random() * (index.maxX - index.minX)
    ys[i] = index.minY + random() * (index.maxY - index.minY)
  }
  return { xs, ys }
}

/**
 * Brute-force reference with the same rule: candidate polygons by bounding box (Flatbush,
 * boxes widened in x by the hair {@link PointInPolygon.locateBruteForce} uses), exact
 * crossing test on each, lowest index containing the point.
 */
const makeReference = (table: PointInPolygon.EdgeTable) => {
  const tree = new Flatbush(table.polygons)
  for (let k = 0; k < table.polygons; k++) {
    const o = 4 * k
    const minX = table.bbox[o]!
    const maxX = table.bbox[o + 2]!
    const pad = (maxX - minX) * 1e-9 + 1e-12 * (Math.abs(minX) + Math.abs(maxX))
    if (Number.isNaN(minX)) tree.add(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)
    else tree.add(minX - pad, table.bbox[o + 1]!, maxX + pad, table.bbox[o + 3]!)
  }
  tree.finish()
  return (x: number, y: number): number => {
    let best = -1
    for (const k of tree.search(x, y, x, y)) {
      if ((best < 0 || k < best) && PointInPolygon.contains(table, k, x, y)) best = k
    }
    return best
  }
}

const timeRounds = (rounds: number, run: () => void): Array<number> => {
  const times: Array<number> = []
  for (let r = 0; r < rounds; r++) {
    const begin = performance.now()
    run()
    times.push(performance.now() - begin)
  }
  return times
}

log("machine load (1-min load average / cores)", `${fmt(loadavg()[0]!, 1)} / ${availableParallelism()}`)

// ---------------------------------------------------------------------------------------
// Providence blocks as 3,014 grids

const blocks = JSON.parse(
  readFileSync(resolve(import.meta.dirname, "../../../data/providence_blocks.geojson"), "utf8")
) as {
  features: Array<{ properties: { GEOID10: string }; geometry: PointInPolygon.PolygonCoordinates }>
}
const table = PointInPolygon.compile(blocks.features.map((f) => f.geometry))
const ids = blocks.features.map((f) => f.properties.GEOID10)
const buildCold = performance.now()
const index = LookupIndex.build(table, { ids })
log("Providence: grids / edges", `${table.polygons} / ${PointInPolygon.edgeCount(table)}`)
log("Providence: build, cold (first run, JIT)", `${fmt(performance.now() - buildCold, 1)} ms`)
log(
  "Providence: build, warm (median of 5)",
  `${fmt(median(timeRounds(5, () => LookupIndex.build(table, { ids }))), 1)} ms`
)
const stats = LookupIndex.stats(index)
log(
  "Providence: raster",
  `${index.columns}×${index.rows} cells, ${fmt((100 * stats.pureCells) / stats.cells, 1)}% pure, ${stats.edges} stored edges, ${fmt(stats.bytes / 1e6, 1)} MB`
)
const encoded = LookupIndex.encode(index)
const decodeTimes = timeRounds(5, () => Result.getOrThrow(LookupIndex.decode(encoded)))
log(
  "Providence: encoded size / decode (median)",
  `${fmt(encoded.byteLength / 1e6, 1)} MB / ${fmt(median(decodeTimes), 1)} ms`
)

const { xs, ys } = randomPoints(index, N, 0x9e3779b9)
const out = new Int32Array(N)

// Agreement on every one of the 1,000,000 points.
const reference = makeReference(table)
LookupIndex.locateMany(index, xs, ys, out)
let disagreements = 0
let insideCount = 0
const refBegin = performance.now()
for (let i = 0; i < N; i++) {
  const expected = reference(xs[i]!, ys[i]!)
  if (expected >= 0) insideCount++
  if (expected !== out[i]) disagreements++
}
const refSeconds = (performance.now() - refBegin) / 1000
log(
  "agreement with brute force, 1,000,000 random points",
  `${fmt((100 * (N - disagreements)) / N, 4)}% (${disagreements} disagreements; ${insideCount} points inside a grid)`
)
if (disagreements > 0) failed = true

// Throughput, same points, same run; rounds interleaved so both see the same machine load.
let sink = 0
const indexTimes: Array<number> = []
const h3Times: Array<number> = []
for (let r = 0; r < ROUNDS; r++) {
  indexTimes.push(
    ...timeRounds(1, () => {
      for (let i = 0; i < N; i++) sink += LookupIndex.locate(index, xs[i]!, ys[i]!)
    })
  )
  h3Times.push(
    ...timeRounds(1, () => {
      for (let i = 0; i < N; i++) sink += latLngToCell(ys[i]!, xs[i]!, 9).length
    })
  )
}
const rate = (ms: number): number => N / ms / 1000
log(
  `throughput: LookupIndex.locate (best / median of ${ROUNDS})`,
  `${fmt(rate(Math.min(...indexTimes)))} / ${fmt(rate(median(indexTimes)))} M points/s`
)
log(
  `throughput: h3-js latLngToCell res 9 (best / median of ${ROUNDS})`,
  `${fmt(rate(Math.min(...h3Times)))} / ${fmt(rate(median(h3Times)))} M points/s`
)
log("throughput: Flatbush + exact PIP (the reference above)", `${fmt(N / refSeconds / 1e6)} M points/s`)
const ratio = Math.min(...h3Times) / Math.min(...indexTimes)
const medianRatio = median(h3Times) / median(indexTimes)
log("ratio LookupIndex / h3-js, best and median (target ≥ 2)", `${fmt(ratio)}× / ${fmt(medianRatio)}×`)
if (ratio < TARGET_RATIO || medianRatio < TARGET_RATIO) failed = true

// ---------------------------------------------------------------------------------------
// 10,000 synthetic grids: a Voronoi tiling of random sites over the same extent

const random = makeRandom(12345)
const sites = new Float64Array(2 * 10_000)
for (let i = 0; i < 10_000; i++) {
  sites[2 * i] = index.minX + random() * (index.maxX - index.minX)
  sites[2 * i + 1] = index.minY + random() * (index.maxY - index.minY)
}
const voronoi = Delaunay.from(
  Array.from({ length: 10_000 }, (_, i) => [sites[2 * i]!, sites[2 * i + 1]!] as [number, number])
).voronoi([index.minX, index.minY, index.maxX, index.maxY])
const cells: Array<PointInPolygon.PolygonCoordinates> = []
for (let i = 0; i < 10_000; i++) {
  const polygon = voronoi.cellPolygon(i)
  if (polygon !== null)
    cells.push({ type: "Polygon", coordinates: [polygon.map((p) => [p[0]!, p[1]!] as [number, number])] })
}
const voronoiTable = PointInPolygon.compile(cells)
const cold = performance.now()
const voronoiIndex = LookupIndex.build(voronoiTable)
const coldMs = performance.now() - cold
const warmWall: Array<number> = []
const warmCpu: Array<number> = []
for (let r = 0; r < 9; r++) {
  const cpu = process.cpuUsage()
  const begin = performance.now()
  LookupIndex.build(voronoiTable)
  warmWall.push(performance.now() - begin)
  const used = process.cpuUsage(cpu)
  warmCpu.push((used.user + used.system) / 1000)
}
log("10,000 grids: edges", `${PointInPolygon.edgeCount(voronoiTable)}`)
log("10,000 grids: build, cold (first run, includes JIT warm-up)", `${fmt(coldMs, 1)} ms`)
log(
  "10,000 grids: build, warm wall clock, best / median of 9",
  `${fmt(Math.min(...warmWall), 1)} / ${fmt(median(warmWall), 1)} ms`
)
log(
  `10,000 grids: build, warm CPU time, best / median of 9 (target ≤ ${TARGET_BUILD_MS} ms)`,
  `${fmt(Math.min(...warmCpu), 1)} / ${fmt(median(warmCpu), 1)} ms`
)
// Judged on CPU time: on a shared machine the wall clock also counts the time spent
// waiting for a core (see the load line above); on an idle core the two agree.
if (Math.min(...warmCpu) > TARGET_BUILD_MS) failed = true
const voronoiPoints = randomPoints(voronoiIndex, 100_000, 777)
const voronoiReference = makeReference(voronoiTable)
let voronoiDisagreements = 0
let uncovered = 0
for (let i = 0; i < 100_000; i++) {
  const x = voronoiPoints.xs[i]!
  const y = voronoiPoints.ys[i]!
  const found = LookupIndex.locate(voronoiIndex, x, y)
  if (found !== voronoiReference(x, y)) voronoiDisagreements++
  if (found < 0) uncovered++
}
log(
  "10,000 grids: agreement with brute force, 100,000 points",
  `${voronoiDisagreements} disagreements (${uncovered} of the points fell in no grid)`
)
if (voronoiDisagreements > 0) failed = true

log("checksum", String(sink % 1000))
if (failed) {
  console.log("lookup  TARGET MISSED")
  process.exitCode = 1
}
