/**
 * Runs METIS (`gpmetis`, Debian package `metis`) on the same rook adjacency graph the
 * partitioner uses, one community at a time, for side-by-side comparison.
 *
 * Per community: vertices are its units (vertex weight = unit weight, rounded to an
 * integer as METIS requires), edges are same-community rook adjacencies weighted by the
 * shared boundary length in metres (so METIS's edge-cut objective is total internal
 * boundary length, i.e. compactness), `k` is the number of grids our partition made in
 * that community, `-ufactor` allows parts up to `max / target` of the average, and
 * `-contig` asks for contiguous parts when the community's graph is connected.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Bounds, Units } from "../src"

/** Whether `gpmetis` can be run, and its version line. */
export const available = (): { readonly ok: boolean; readonly version: string } => {
  const probe = spawnSync("gpmetis", ["-help"], { encoding: "utf8" })
  if (probe.error !== undefined) return { ok: false, version: "" }
  const version = `${probe.stdout}${probe.stderr}`.match(/METIS\s+[0-9.]+/)?.[0] ?? "gpmetis"
  return { ok: true, version }
}

/** The result of a METIS run over all communities. */
export interface MetisRun {
  /** Grid label per unit (labels unique across communities). */
  readonly assignment: Int32Array
  /** Seconds spent in gpmetis (process time included). */
  readonly seconds: number
  /** Communities whose graph was not connected (run without `-contig`). */
  readonly disconnected: number
}

const connected = (start: Int32Array, index: Int32Array): boolean => {
  const m = start.length - 1
  if (m === 0) return true
  const seen = new Uint8Array(m)
  const stack = [0]
  seen[0] = 1
  let reached = 1
  while (stack.length > 0) {
    const u = stack.pop()!
    for (let i = start[u]!; i < start[u + 1]!; i++) {
      const v = index[i]!
      if (seen[v] === 0) {
        seen[v] = 1
        reached++
        stack.push(v)
      }
    }
  }
  return reached === m
}

/**
 * Partitions each community into `partsPerCommunity[c]` parts with gpmetis.
 */
export const run = (
  units: Units.UnitSet,
  partsPerCommunity: ReadonlyArray<number>,
  bounds: Bounds.ResolvedBounds
): MetisRun => {
  const dir = mkdtempSync(join(tmpdir(), "gridwork-metis-"))
  const t = units.topology
  const assignment = new Int32Array(units.size).fill(-1)
  const ufactor = Math.max(1, Math.round((bounds.max / bounds.target - 1) * 1000))
  let next = 0
  let seconds = 0
  let disconnected = 0
  try {
    const byCommunity: Array<Array<number>> = units.communities.map(() => [])
    for (let u = 0; u < units.size; u++) byCommunity[units.community[u]!]!.push(u)
    byCommunity.forEach((members, c) => {
      const k = partsPerCommunity[c] ?? 1
      if (k <= 1 || members.length <= 1) {
        for (const u of members) assignment[u] = next
        next++
        return
      }
      const local = new Map(members.map((u, i) => [u, i]))
      const start = new Int32Array(members.length + 1)
      const index: Array<number> = []
      const lines: Array<string> = []
      let edges = 0
      members.forEach((u, i) => {
        const parts = [String(Math.max(0, Math.round(units.weights[u]!)))]
        for (let e = t.adjStart[u]!; e < t.adjStart[u + 1]!; e++) {
          const v = local.get(t.adjIndex[e]!)
          if (v === undefined) continue
          parts.push(String(v + 1), String(Math.max(1, Math.round(t.adjLength[e]!))))
          index.push(v)
          edges++
        }
        start[i + 1] = index.length
        lines.push(parts.join(" "))
      })
      const contiguous = connected(start, Int32Array.from(index))
      if (!contiguous) disconnected++
      const file = join(dir, `c${c}.graph`)
      writeFileSync(file, `${members.length} ${edges / 2} 011\n${lines.join("\n")}\n`)
      const args = [...(contiguous ? ["-contig"] : []), `-ufactor=${ufactor}`, file, String(k)]
      const began = process.hrtime.bigint()
      execFileSync("gpmetis", args, { stdio: "pipe" })
      seconds += Number(process.hrtime.bigint() - began) / 1e9
      const labels = readFileSync(`${file}.part.${k}`, "utf8").trim().split("\n").map(Number)
      members.forEach((u, i) => {
        assignment[u] = next + labels[i]!
      })
      next += k
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  // Labels of empty parts leave gaps; renumber densely.
  const dense = new Map<number, number>()
  for (let u = 0; u < units.size; u++) {
    const label = assignment[u]!
    if (!dense.has(label)) dense.set(label, dense.size)
    assignment[u] = dense.get(label)!
  }
  return { assignment, seconds, disconnected }
}

/**
 * Churn between two labelings of the same units when grid identities are matched
 * greedily by largest shared weight (the best a tool without stable ids could claim):
 * the share of weight whose matched grid changed.
 */
export const matchedChurn = (weights: Float64Array, before: Int32Array, after: Int32Array): number => {
  const overlap = new Map<string, number>()
  let total = 0
  for (let u = 0; u < weights.length; u++) {
    const key = `${before[u]},${after[u]}`
    overlap.set(key, (overlap.get(key) ?? 0) + weights[u]! + 1e-9)
    total += weights[u]!
  }
  const pairs = Array.from(overlap, ([key, w]) => {
    const [b, a] = key.split(",").map(Number)
    return { b: b!, a: a!, w }
  }).sort((p, q) => q.w - p.w || p.b - q.b || p.a - q.a)
  const usedB = new Set<number>()
  const usedA = new Set<number>()
  const match = new Map<number, number>()
  for (const { b, a } of pairs) {
    if (usedB.has(b) || usedA.has(a)) continue
    usedB.add(b)
    usedA.add(a)
    match.set(b, a)
  }
  let moved = 0
  for (let u = 0; u < weights.length; u++) if (match.get(before[u]!) !== after[u]) moved += weights[u]!
  return total > 0 ? moved / total : 0
}
