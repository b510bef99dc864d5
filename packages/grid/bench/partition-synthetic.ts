/**
 * One synthetic partition run in its own process (so its memory is measured alone):
 * `node --conditions=@gridwork/source --import tsx bench/partition-synthetic.ts <units>`.
 * Prints one JSON line with timings (s), memory (MB) and quality figures.
 */
import { AssignmentsCsv, GridsWriter, Metrics, Partition, SyntheticUnits, UnitsReader } from "../src"

const units = Number(process.argv[2] ?? 10_000)
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9
let peakHeap = 0
const sample = () => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
}

let began = process.hrtime.bigint()
let collection: SyntheticUnits.SyntheticCollection | undefined = SyntheticUnits.generate({ units, seed: 2026 })
const generate = seconds(began)
sample()

began = process.hrtime.bigint()
const read = UnitsReader.readUnits(collection, {
  idProperty: SyntheticUnits.properties.id,
  weightProperty: SyntheticUnits.properties.weight,
  communityProperty: SyntheticUnits.properties.community
})
collection = undefined
const readSeconds = seconds(began)
sample()

began = process.hrtime.bigint()
const result = Partition.partition(read.units, { min: 300, max: 500 }, { onProgress: sample })
const partitionSeconds = seconds(began)
sample()

began = process.hrtime.bigint()
const grids = JSON.stringify(GridsWriter.toGridsGeoJson(result))
const csv = AssignmentsCsv.toCsv(result)
const writeSeconds = seconds(began)
sample()

const m = Metrics.metrics(result, { method: "topology" })
process.stdout.write(
  `${JSON.stringify({
    units: read.units.size,
    communities: read.units.communities.length,
    issues: read.issues.length,
    grids: result.grids.length,
    reasons: result.stats.reasons,
    generateSeconds: generate,
    readSeconds,
    partitionSeconds,
    writeSeconds,
    totalSeconds: readSeconds + partitionSeconds + writeSeconds,
    outputMB: (grids.length + csv.length) / 1e6,
    peakHeapMB: peakHeap / 1e6,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    summary: m.summary
  })}\n`
)
