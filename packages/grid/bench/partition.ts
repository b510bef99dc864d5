/**
 * Partition benchmark: quality, speed, memory and id stability, ours next to METIS on
 * the same adjacency graphs.
 *
 * - Providence census blocks, persons, 750-1,250 per grid inside each ward;
 * - re-partition after ~1.5% of the weight changes (diffuse, and concentrated in one ward);
 * - RI precincts (units often larger than a grid: the reasons are reported);
 * - synthetic territories of 10,000 and 100,000 units (300-500 households per grid
 *   inside communities), each run in its own process for clean memory figures.
 *
 * Targets (a miss sets a non-zero exit code): Providence ≥ 97% of grids within bounds
 * where the data allows, Polsby-Popper median ≥ 0.55 and p10 ≥ 0.30, 100% contiguous
 * and inside one community, every unit once, deterministic; re-partition keeps ≥ 98% of
 * the weight under the same grid id and unchanged communities identical; 10,000 units
 * ≤ 5 s; 100,000 units ≤ 60 s and ≤ 1 GB.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { dirname, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { Metrics, Partition, Repartition, SyntheticUnits, Units, UnitsReader } from "../src"
import * as Metis from "./metis"

const here = dirname(fileURLToPath(import.meta.url))
const dataDir = resolve(here, "../../../data")

const misses: Array<string> = []
const check = (ok: boolean, what: string) => {
  if (!ok) misses.push(what)
  return ok ? "ok" : "MISSED"
}
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9
const pct = (x: number) => `${(100 * x).toFixed(1)}%`
const fixed = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "n/a")

const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ")
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const row of rows) console.log(line(row))
}

const metricsHeader = [
  "method",
  "grids",
  "in bounds (all)",
  "in bounds (data allows)",
  "PP median",
  "PP p10",
  "contiguous",
  "one community",
  "each unit once",
  "seconds"
]
const metricsRow = (label: string, s: Metrics.Summary, secs: number): Array<string> => [
  label,
  String(s.grids),
  pct(s.withinBounds),
  `${pct(s.withinBoundsFeasible)} of ${s.feasibleGrids}`,
  fixed(s.polsbyPopperMedian),
  fixed(s.polsbyPopperP10),
  pct(s.contiguous),
  pct(s.singleCommunity),
  s.assignedOnce ? "yes" : "NO",
  fixed(secs, 2)
]

const metis = Metis.available()
const readData = (file: string): unknown => JSON.parse(readFileSync(resolve(dataDir, file), "utf8"))
const partsPerCommunity = (result: Partition.PartitionResult) => {
  const counts = result.units.communities.map(() => 0)
  const index = new Map(result.units.communities.map((c, i) => [c, i]))
  for (const g of result.grids) counts[index.get(g.community)!]!++
  return counts
}
const assignmentsOf = (result: Partition.PartitionResult) => result.assignments
const fingerprint = (result: Partition.PartitionResult) =>
  JSON.stringify(result.grids.map((g) => [g.id, g.status, g.reason ?? "", Array.from(g.units)]))

/** Changes ~`share` of the total weight: `diffuse` nudges random units ±30%, `ward` grows one community. */
const perturb = (units: Units.UnitSet, share: number, mode: "diffuse" | { readonly community: string }) => {
  const weights = units.weights.slice()
  const total = Units.totalWeight(units)
  const rand = SyntheticUnits.random(2026)
  let changed = 0
  if (mode === "diffuse") {
    let guard = 0
    while (changed < share * total && guard++ < 1_000_000) {
      const u = Math.floor(rand() * units.size)
      if (weights[u] === 0) continue
      const delta = Math.max(1, Math.round(0.3 * weights[u]!)) * (rand() < 0.5 ? -1 : 1)
      const next = Math.max(0, weights[u]! + delta)
      changed += Math.abs(next - weights[u]!)
      weights[u] = next
    }
  } else {
    const c = units.communities.indexOf(mode.community)
    const members = Array.from({ length: units.size }, (_, u) => u).filter((u) => units.community[u] === c)
    const base = members.reduce((s, u) => s + weights[u]!, 0)
    for (const u of members) {
      const next = Math.round(weights[u]! * (1 + (share * total) / Math.max(base, 1)))
      changed += next - weights[u]!
      weights[u] = next
    }
  }
  return { units: Units.withWeights(units, weights), changedShare: changed / total }
}

console.log("=== @gridwork/grid partition benchmark ===")
console.log(
  "Data: contains data from the MGGG Redistricting Lab's RI-shapefiles, made available under the Open Database License (ODbL) 1.0; individual contents under the Database Contents License (DbCL) 1.0."
)
console.log(
  metis.ok
    ? `METIS: ${metis.version} (gpmetis -contig, -ufactor = max/target, vertex weight = persons/households, edge weight = shared boundary metres, same k per community as ours)`
    : "METIS: gpmetis NOT FOUND (install the Debian package `metis`); METIS rows are skipped"
)

if (!existsSync(resolve(dataDir, "providence_blocks.geojson"))) {
  console.log(`real data not found under ${dataDir}; skipping Providence and RI`)
  misses.push("real data missing")
} else {
  // ---------------------------------------------------------------- Providence
  console.log("\n--- Providence census blocks: persons, 750-1,250 per grid inside each WARD ---")
  let began = process.hrtime.bigint()
  const { units, issues } = UnitsReader.readUnits(readData("providence_blocks.geojson"), {
    idProperty: "GEOID10",
    weightProperty: "TOTPOP",
    communityProperty: "WARD"
  })
  const readSecs = seconds(began)
  const bounds = { min: 750, max: 1250 } as const
  began = process.hrtime.bigint()
  const ours = Partition.partition(units, bounds)
  const oursSecs = seconds(began)
  const again = Partition.partition(units, bounds)
  const deterministic = fingerprint(ours) === fingerprint(again)
  const oursM = Metrics.metrics(ours)
  const rows = [metricsRow("ours", oursM.summary, oursSecs)]
  let metisAssignment: Int32Array | undefined
  if (metis.ok) {
    const run = Metis.run(units, partsPerCommunity(ours), ours.bounds)
    metisAssignment = run.assignment
    const m = Metrics.evaluate(units, run.assignment, ours.bounds)
    const twice = Metis.run(units, partsPerCommunity(ours), ours.bounds)
    rows.push(
      metricsRow(
        `METIS${run.disconnected > 0 ? ` (${run.disconnected} communities not -contig)` : ""}`,
        m.summary,
        run.seconds
      )
    )
    console.log(
      `METIS deterministic (run twice): ${Array.from(twice.assignment).join() === Array.from(run.assignment).join() ? "yes" : "no"}`
    )
  }
  console.log(
    `units ${units.size}, read issues ${issues.length}, read ${fixed(readSecs, 2)} s; out-of-bounds reasons (ours): ${JSON.stringify(ours.stats.reasons)}`
  )
  table(metricsHeader, rows)
  const s = oursM.summary
  console.log(
    `targets: in bounds where data allows ≥ 97%: ${check(s.withinBoundsFeasible >= 0.97, "Providence in bounds")}; PP median ≥ 0.55: ${check(s.polsbyPopperMedian >= 0.55, "Providence PP median")}; PP p10 ≥ 0.30: ${check(s.polsbyPopperP10 >= 0.3, "Providence PP p10")}; contiguous & one community: ${check(s.contiguous === 1 && s.singleCommunity === 1, "Providence contiguity/community")}; every unit once: ${check(s.assignedOnce, "Providence assignment")}; deterministic (run twice): ${check(deterministic, "Providence determinism")}`
  )

  // ---------------------------------------------------------------- Re-partition
  for (const mode of ["diffuse", { community: "5" }] as const) {
    const { units: changed, changedShare } = perturb(units, 0.015, mode)
    const label = mode === "diffuse" ? "diffuse (random blocks ±30%)" : `concentrated (ward ${mode.community} grows)`
    console.log(`\n--- Re-partition after ${pct(changedShare)} of the weight changed: ${label} ---`)
    began = process.hrtime.bigint()
    const re = Repartition.repartition(Repartition.fromResult(ours), changed, bounds)
    const reSecs = seconds(began)
    const reM = Metrics.metrics(re)
    // Unchanged communities must be identical.
    const same = new Set(re.churn.unchangedCommunities)
    const gridsIn = (r: Partition.PartitionResult) =>
      JSON.stringify(r.grids.filter((g) => same.has(g.community)).map((g) => [g.id, Array.from(g.units)]))
    const identical = gridsIn(re) === gridsIn(ours)
    began = process.hrtime.bigint()
    const scratch = Partition.partition(changed, bounds)
    const scratchSecs = seconds(began)
    const scratchChurn = Metis.matchedChurn(changed.weights, assignmentsOf(ours), assignmentsOf(scratch))
    const header = [...metricsHeader, "weight keeping its grid"]
    const rows2 = [
      [...metricsRow("ours: re-partition (stable ids)", reM.summary, reSecs), pct(1 - re.churn.weightShare)],
      [
        ...metricsRow("ours: from scratch (matched)", Metrics.metrics(scratch).summary, scratchSecs),
        pct(1 - scratchChurn)
      ]
    ]
    if (metis.ok && metisAssignment !== undefined) {
      const run = Metis.run(changed, partsPerCommunity(ours), ours.bounds)
      const m = Metrics.evaluate(changed, run.assignment, ours.bounds)
      rows2.push([
        ...metricsRow("METIS: from scratch (matched)", m.summary, run.seconds),
        pct(1 - Metis.matchedChurn(changed.weights, metisAssignment, run.assignment))
      ])
    }
    table(header, rows2)
    console.log(
      `churn: ${pct(re.churn.weightShare)} of weight changed grid id; grids kept ${re.churn.keptGrids}, changed ${re.churn.changedGrids}, created ${re.churn.createdGrids.length}, retired ${re.churn.retiredGrids.length}; unchanged communities ${same.size}/${units.communities.length} identical: ${identical ? "yes" : "NO"}`
    )
    console.log(
      `targets: ≥ 98% of weight keeps its grid id: ${check(1 - re.churn.weightShare >= 0.98, `re-partition churn (${label})`)}; unchanged communities identical: ${check(identical, `re-partition identity (${label})`)}`
    )
  }

  // ---------------------------------------------------------------- RI precincts
  console.log(
    "\n--- RI precincts: persons, 750-1,250 per grid inside each house district (HDIST): the infeasible case ---"
  )
  const ri = UnitsReader.readUnits(readData("ri_precincts.geojson"), {
    idProperty: "NAME",
    weightProperty: "TOTPOP",
    communityProperty: "HDIST"
  })
  began = process.hrtime.bigint()
  const riOurs = Partition.partition(ri.units, bounds)
  const riSecs = seconds(began)
  const riM = Metrics.metrics(riOurs)
  const riRows = [metricsRow("ours", riM.summary, riSecs)]
  if (metis.ok) {
    const run = Metis.run(ri.units, partsPerCommunity(riOurs), riOurs.bounds)
    riRows.push(
      metricsRow(
        `METIS${run.disconnected > 0 ? ` (${run.disconnected} communities not -contig)` : ""}`,
        Metrics.evaluate(ri.units, run.assignment, riOurs.bounds).summary,
        run.seconds
      )
    )
  }
  console.log(
    `units ${ri.units.size} (read issues ${ri.issues.length}), grids ${riOurs.grids.length}: ok ${riOurs.stats.ok}, over ${riOurs.stats.over}, under ${riOurs.stats.under}`
  )
  console.log(`reasons: ${JSON.stringify(riOurs.stats.reasons)}`)
  for (const issue of riOurs.issues.filter((i) => i.code !== "unit-exceeds-max").slice(0, 3))
    console.log(`  e.g. ${issue.message}`)
  table(metricsHeader, riRows)
  console.log(
    `every out-of-bounds grid has a reason: ${check(
      riOurs.grids.every((g) => g.status === "ok" || g.reason !== undefined),
      "RI reasons"
    )}; every unit once: ${check(riM.summary.assignedOnce, "RI assignment")}`
  )
}

// ---------------------------------------------------------------- Synthetic
const child = (n: number) => {
  const out = spawnSync(process.execPath, [...process.execArgv, resolve(here, "partition-synthetic.ts"), String(n)], {
    encoding: "utf8",
    maxBuffer: 1 << 24
  })
  if (out.status !== 0) throw new Error(`synthetic run of ${n} units failed: ${out.stderr}`)
  return JSON.parse(out.stdout.trim().split("\n").pop()!) as {
    units: number
    communities: number
    grids: number
    reasons: Record<string, number>
    readSeconds: number
    partitionSeconds: number
    writeSeconds: number
    totalSeconds: number
    peakHeapMB: number
    maxRssMB: number
    summary: Metrics.Summary
  }
}
console.log(
  "\n--- Synthetic territories: households, 300-500 per grid inside communities (varied unit sizes and shapes) ---"
)
const synthRows: Array<Array<string>> = []
for (const n of [10_000, 100_000]) {
  const r = child(n)
  synthRows.push([
    String(r.units),
    String(r.communities),
    String(r.grids),
    `${pct(r.summary.withinBoundsFeasible)} of ${r.summary.feasibleGrids}`,
    fixed(r.summary.polsbyPopperMedian),
    fixed(r.summary.polsbyPopperP10),
    pct(r.summary.contiguous),
    fixed(r.readSeconds, 1),
    fixed(r.partitionSeconds, 1),
    fixed(r.writeSeconds, 1),
    fixed(r.totalSeconds, 1),
    fixed(r.peakHeapMB, 0),
    fixed(r.maxRssMB, 0)
  ])
  if (n === 10_000) check(r.totalSeconds <= 5, "10,000 units ≤ 5 s")
  else {
    check(r.totalSeconds <= 60, "100,000 units ≤ 60 s")
    check(r.maxRssMB <= 1024, "100,000 units ≤ 1 GB")
  }
}
table(
  [
    "units",
    "communities",
    "grids",
    "in bounds (data allows)",
    "PP median",
    "PP p10",
    "contiguous",
    "read s",
    "partition s",
    "write s",
    "total s",
    "peak heap MB",
    "max RSS MB"
  ],
  synthRows
)
console.log("targets: 10,000 units ≤ 5 s (read + partition + write); 100,000 units ≤ 60 s and ≤ 1 GB RSS")

// Ours vs METIS and id stability on a synthetic city (a held-out style check).
{
  const collection = SyntheticUnits.generate({ units: 10_000, seed: 77 })
  const { units } = UnitsReader.readUnits(collection, {
    idProperty: SyntheticUnits.properties.id,
    weightProperty: SyntheticUnits.properties.weight,
    communityProperty: SyntheticUnits.properties.community
  })
  const bounds = { min: 300, max: 500 } as const
  let began = process.hrtime.bigint()
  const ours = Partition.partition(units, bounds)
  const oursSecs = seconds(began)
  const rows = [metricsRow("ours", Metrics.metrics(ours).summary, oursSecs)]
  if (metis.ok) {
    const run = Metis.run(units, partsPerCommunity(ours), ours.bounds)
    rows.push(metricsRow("METIS", Metrics.evaluate(units, run.assignment, ours.bounds).summary, run.seconds))
  }
  const { units: changed, changedShare } = perturb(units, 0.015, "diffuse")
  began = process.hrtime.bigint()
  const re = Repartition.repartition(Repartition.fromResult(ours), changed, bounds)
  const reSecs = seconds(began)
  console.log(
    `\n--- Synthetic city (10,000 units, seed 77): ours vs METIS; re-partition after ${pct(changedShare)} diffuse change ---`
  )
  table(metricsHeader, [...rows, metricsRow("ours: re-partition", Metrics.metrics(re).summary, reSecs)])
  console.log(
    `re-partition: ${pct(1 - re.churn.weightShare)} of weight keeps its grid id (${check(1 - re.churn.weightShare >= 0.98, "synthetic re-partition churn")})`
  )
}

console.log(misses.length === 0 ? "\nall partition targets met" : `\nMISSED partition targets: ${misses.join("; ")}`)
if (misses.length > 0) process.exitCode = 1
