import { spawn as spawnProcess } from "node:child_process"
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeFileSystem } from "@effect/platform-node"
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { AuditReport, PointInPolygon, Ring, SyntheticUnits } from "../src"
import * as Cli from "../src/cli/Cli"
import { CliIO } from "../src/cli/CliIO"
import { gridFeature, overlayFeature, rect } from "./LookupFixtures"
import { dataPath, providenceBlocks, providenceFile, seededRandom } from "./RealData"

const packageDir = join(import.meta.dirname, "..")
const dir = mkdtempSync(join(tmpdir(), "gridwork-cli-"))
const file = (name: string, content: string): string => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}

/** Exit code and output of a run. */
interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs the real executable (sources through tsx), as a user would. */
const spawn = (args: ReadonlyArray<string>): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawnProcess(
      process.execPath,
      ["--conditions=@gridwork/source", "--import", "tsx", "src/cli/main.ts", ...args],
      { cwd: packageDir }
    )
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })

/** Runs the command in-process with captured output. */
const runInProcess = (args: ReadonlyArray<string>, errIsTTY = false): Effect.Effect<Run> => {
  const { layer, buffers } = CliIO.capture(errIsTTY)
  return Effect.map(Cli.run(args).pipe(Effect.provide(Layer.merge(layer, NodeFileSystem.layer))), (code) => ({
    code,
    stdout: buffers.out,
    stderr: buffers.err
  }))
}

const providence = [
  dataPath(providenceFile),
  ...["--weight", "TOTPOP", "--community", "WARD", "--id", "GEOID10", "--min", "750", "--max", "1250"]
]

const d = 0.001
const square = (id: string, i: number, j: number, community: string, extra: Record<string, unknown> = {}) =>
  gridFeature(id, rect(i * d, j * d, (i + 1) * d, (j + 1) * d), { community, ...extra })

// 2 × 2 grids: A B on the bottom row, C D on the top row.
const grids = file(
  "grids.geojson",
  JSON.stringify({
    type: "FeatureCollection",
    generated_at: "2026-11-01T00:00:00Z",
    features: [
      square("A", 0, 0, "west"),
      square("B", 1, 0, "east", { status: "over", weight: 1400, reason: "unit-exceeds-max" }),
      square("C", 0, 1, "west"),
      square("D", 1, 1, "east")
    ]
  })
)
const points = file(
  "points.csv",
  [
    "id,lon,lat",
    "inside-a,0.0005,0.0005",
    "edge-ab,0.001,0.0005",
    "corner,0.001,0.001",
    "outside,0.005,0.005",
    '"q,1",0.0015,0.0015',
    ""
  ].join("\n")
)
const roster = file(
  "roster.csv",
  [
    "grid_id,person_id,role",
    "A,p-1,leader",
    "B,p-2,leader",
    "C,p-3,leader",
    "A,cop-1,police-liaison",
    "B,cop-1,police-liaison",
    "C,cop-1,police-liaison",
    "D,cop-1,police-liaison",
    "A,m-1,mediator"
  ].join("\n")
)

describe("gridwork-grid (spawned: the real executable, one process per run)", () => {
  // Two processes in all, started together: each costs a Node start and a TypeScript
  // load, so every check of their outputs lives in the tests below.
  const out = join(dir, "providence-grids.geojson")
  const assignments = join(dir, "providence-assignments.csv")
  let partition: Run
  let strictAudit: Run
  beforeAll(async () => {
    ;[partition, strictAudit] = await Promise.all([
      spawn(["partition", ...providence, "--out", out, "--assignments", assignments]),
      spawn(["audit", grids, "--roster", roster, "--json", "--strict", "--at", "2026-11-21T00:00:00Z"])
    ])
  })

  /** The Providence run's summary line: grids, ok, over, under. */
  const summary = () => {
    const match =
      /gridwork-grid: (\d+) grids \((\d+) ok, (\d+) over, (\d+) under\) from 3014 units in 15 communities/.exec(
        partition.stderr
      )
    expect(match).not.toBeNull()
    const [grids, ok, over, under] = match!.slice(1).map(Number) as [number, number, number, number]
    return { grids, ok, over, under }
  }
  const gridOfUnit = () =>
    new Map(
      readFileSync(assignments, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => line.split(",") as [string, string])
    )

  it("partitions the Providence census blocks: exit 0, the summary on stderr, every block in exactly one grid", () => {
    expect(partition.code).toBe(0)
    expect(partition.stdout).toBe("")
    const { grids, ok, over, under } = summary()
    expect(ok + over + under).toBe(grids)
    // Two blocks hold more than 1,250 persons on their own: their grids must be over.
    expect(over).toBeGreaterThanOrEqual(2)
    const written = JSON.parse(readFileSync(out, "utf8")) as {
      features: Array<{ properties: { grid_id: string; units: Array<string>; status: string } }>
    }
    expect(written.features).toHaveLength(grids)
    const units = written.features.flatMap((f) => f.properties.units)
    const blockIds = providenceBlocks().features.map((f) => f.properties.GEOID10)
    expect(new Set(units).size).toBe(units.length)
    expect([...units].sort()).toEqual([...blockIds].sort())
    const assigned = gridOfUnit()
    expect(assigned.size).toBe(3014)
    for (const feature of written.features) {
      for (const unit of feature.properties.units) expect(assigned.get(unit)).toBe(feature.properties.grid_id)
    }
  })

  it("exits 3 with --strict when the audit finds errors, the JSON report on stdout", () => {
    expect(strictAudit.code).toBe(3)
    const report = Schema.decodeUnknownSync(AuditReport.AuditReport)(JSON.parse(strictAudit.stdout))
    expect(report.generatedAt).toBe("2026-11-21T00:00:00.000Z")
    expect(report.checks.find((c) => c.check === "staffing")?.outcome).toBe("failed")
    expect(report.findings.filter((f) => f.check === "staffing").map((f) => f.message)).toContain(
      "cop-1 is police-liaison of 4 grids (A, B, C, D); at most 3"
    )
  })

  it.effect("locates random Providence points in the grid of the block that contains them", () =>
    Effect.gen(function* () {
      // Random points away from block edges (> ~1 m): the grid found must be the grid the
      // assignments give to the block containing the point (brute force over the blocks).
      const blocks = providenceBlocks()
      const table = PointInPolygon.compile(blocks.features.map((f) => f.geometry))
      const assigned = gridOfUnit()
      const nearEdge = (x: number, y: number): boolean => {
        for (let e = 0; e < table.x0.length; e++) {
          if (Ring.segmentDistanceSquared(x, y, table.x0[e]!, table.y0[e]!, table.x1[e]!, table.y1[e]!) < 1e-10)
            return true
        }
        return false
      }
      const random = seededRandom(11)
      const rows: Array<string> = []
      const expected: Array<string> = []
      while (rows.length < 500) {
        const x = -71.475 + random() * 0.11
        const y = 41.77 + random() * 0.095
        if (nearEdge(x, y)) continue
        const block = PointInPolygon.locateBruteForce(table, x, y)
        rows.push(`p${rows.length},${x},${y}`)
        expected.push(
          `p${expected.length},${block < 0 ? "" : assigned.get(blocks.features[block]!.properties.GEOID10)}`
        )
      }
      const located = yield* runInProcess([
        "locate",
        out,
        "--points",
        file("providence-points.csv", `id,lon,lat\n${rows.join("\n")}\n`)
      ])
      expect(located.code).toBe(0)
      expect(located.stdout).toBe(`id,grid_id\n${expected.join("\n")}\n`)
      expect(expected.filter((line) => !line.endsWith(",")).length).toBeGreaterThan(200)
    })
  )

  it.effect("audits the Providence grids: no errors, one warning per grid out of bounds", () =>
    Effect.gen(function* () {
      const audit = yield* runInProcess(["audit", out, "--assignments", assignments, "--json"])
      expect(audit.code).toBe(0)
      const report = Schema.decodeUnknownSync(AuditReport.AuditReport)(JSON.parse(audit.stdout))
      expect(report.totals.units).toBe(3014)
      expect(report.findings.filter((f) => f.severity === "error")).toEqual([])
      expect(report.findings.every((f) => f.check === "status" && f.severity === "warning")).toBe(true)
      const { over, under } = summary()
      expect(report.findings).toHaveLength(over + under)
    })
  )

  it.effect("re-partitions with --previous, keeping every id when nothing changed", () =>
    Effect.gen(function* () {
      const second = join(dir, "second.geojson")
      const again = yield* runInProcess(["partition", ...providence, "--previous", out, "--out", second])
      expect(again.code).toBe(0)
      expect(again.stderr).toMatch(
        /re-partition kept \d+ grids, changed 0, created 0, retired 0; 0\.0% of the weight changed grid/
      )
      const ids = (path: string) =>
        (
          JSON.parse(readFileSync(path, "utf8")) as {
            features: Array<{ properties: { grid_id: string; units: Array<string> } }>
          }
        ).features
          .map((f) => `${f.properties.grid_id}:${f.properties.units.join(" ")}`)
          .sort()
      expect(ids(second)).toEqual(ids(out))
    })
  )
})

describe("gridwork-grid (in-process)", () => {
  it.effect("prints the usage on stderr and exits 2 without a command", () =>
    Effect.gen(function* () {
      const none = yield* runInProcess([])
      expect(none.code).toBe(2)
      expect(none.stdout).toBe("")
      expect(none.stderr).toMatch(/a command is required/)
      expect(none.stderr).toMatch(/Usage: gridwork-grid <command>/)
    })
  )

  it.effect("locates points: CSV id,grid_id on stdout, shared edges by the half-open rule, empty outside", () =>
    Effect.gen(function* () {
      const run = yield* runInProcess(["locate", grids, "--points", points])
      expect(run.stderr).toBe("")
      expect(run.code).toBe(0)
      expect(run.stdout).toBe(
        ["id,grid_id", "inside-a,A", "edge-ab,B", "corner,D", "outside,", '"q,1",D', ""].join("\n")
      )
    })
  )

  it.effect("partitions without --id: a unit's id is its position in the file when it has no id member", () =>
    Effect.gen(function* () {
      const units = file("lattice.geojson", JSON.stringify(SyntheticUnits.lattice({ columns: 4, rows: 2 })))
      const out = join(dir, "lattice-grids.geojson")
      const assignments = join(dir, "lattice-assignments.csv")
      const run = yield* runInProcess([
        ...["partition", units, "--weight", "households", "--community", "community"],
        ...["--min", "30", "--max", "50", "--out", out, "--assignments", assignments]
      ])
      expect(run.code).toBe(0)
      expect(run.stderr).toMatch(/2 grids \(2 ok, 0 over, 0 under\) from 8 units in 1 communities/)
      const unitIds = readFileSync(assignments, "utf8")
        .trim()
        .split("\n")
        .slice(1)
        .map((line) => Number(line.split(",")[0]))
      expect(unitIds.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    })
  )

  it.effect("rejects bad usage with exit 2, naming the option and the rule", () =>
    Effect.gen(function* () {
      const cases: Array<[Array<string>, RegExp]> = [
        [["frobnicate"], /unknown command "frobnicate"/],
        [["locate", grids], /--points is required/],
        [["locate", grids, grids, "--points", points], /exactly one a GRIDS.geojson file is expected/],
        [["locate", "--points", points], /a GRIDS.geojson file is required/],
        [["audit", grids, "--bogus"], /Unknown option '--bogus'/],
        [["audit", grids, "--max-age-days", "soon"], /--max-age-days must be a positive number, got "soon"/],
        [
          ["partition", "u.geojson", "--weight", "W", "--community", "C", "--min", "9", "--max", "5", "--out", "o"],
          /--min \(9\) must not exceed --max \(5\)/
        ],
        [
          ["partition", "u.geojson", "--weight", "W", "--min", "1", "--max", "5"],
          /--community is required; --out is required/
        ],
        [["locate", grids, "--points", points, "--progress", "--no-progress"], /exclude each other/]
      ]
      for (const [args, message] of cases) {
        const run = yield* runInProcess(args)
        expect(run.code, args.join(" ")).toBe(2)
        expect(run.stderr).toMatch(message)
        expect(run.stderr).toMatch(/Usage:/)
        expect(run.stdout).toBe("")
      }
    })
  )

  it.effect("prints the usage on stdout with --help", () =>
    Effect.gen(function* () {
      const help = yield* runInProcess(["--help"])
      expect(help.code).toBe(0)
      expect(help.stdout).toMatch(/Exit codes: 0 done, 1 invalid input, 2 usage error/)
      const commandHelp = yield* runInProcess(["audit", "-h"])
      expect(commandHelp.stdout).toBe(help.stdout)
    })
  )

  it.effect("prints a readable audit: every gap with its rule, exit 0 without --strict", () =>
    Effect.gen(function* () {
      const run = yield* runInProcess(["audit", grids, "--roster", roster, "--at", "2026-11-21T00:00:00Z"])
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/\[FAIL\] Every grid staffed/)
      expect(run.stdout).toMatch(/grid D has no leader \(needs at least 1\) \[staffing\.missing-role\]/)
      expect(run.stdout).toMatch(/community east has no mediator/)
      expect(run.stdout).toMatch(/B: status over \(weight 1400\): unit-exceeds-max \[status\.over\]/)
    })
  )

  it.effect("exits 1 on invalid inputs with a clear message", () =>
    Effect.gen(function* () {
      const broken = file(
        "broken.geojson",
        JSON.stringify({
          type: "FeatureCollection",
          features: [square("A", 0, 0, "w"), { type: "Feature", properties: {}, geometry: null }]
        })
      )
      const cases: Array<[Array<string>, RegExp]> = [
        [["locate", join(dir, "missing.geojson"), "--points", points], /cannot read/],
        [["locate", file("not-json.geojson", "{"), "--points", points], /not valid JSON/],
        [["locate", broken, "--points", points], /1 invalid grid feature\(s\).*\n.*features\[1\]\.properties\.grid_id/],
        [
          ["locate", grids, "--points", file("nohead.csv", "a,b\n1,2\n")],
          /header must name the columns id,lon,lat \(missing id, lon, lat\)/
        ],
        [
          ["locate", grids, "--points", file("bad-points.csv", "id,lon,lat\nx,200,1\ny,abc,2\n")],
          /line 2: lon "200" is not a longitude in degrees between -180 and 180(.|\n)*line 3: lon "abc"/
        ],
        [
          ["audit", grids, "--roster", file("bad-roster.csv", "grid_id,person_id,role\nA,,leader\n")],
          /invalid roster:\n {2}line 2: person_id: a code is 1-128 letters/
        ],
        [
          [
            "audit",
            grids,
            "--policy",
            file("bad-policy.json", JSON.stringify({ roles: [], rules: [], contacts: ["fax"] }))
          ],
          /invalid staffing policy:\n {2}roles: a policy lists at least one role/
        ],
        [
          ["audit", grids, "--overlays", file("bad-overlays.json", "[]")],
          /not a GeoJSON FeatureCollection of overlays/
        ],
        [["audit", grids, "--at", "yesterday"], /--at "yesterday" is not an ISO 8601 date-time/],
        [
          ["audit", grids, "--assignments", file("bad-assign.csv", "unit,grid\n")],
          /header must have columns unit_id and grid_id/
        ],
        [
          [
            "partition",
            points,
            "--weight",
            "W",
            "--community",
            "C",
            "--min",
            "1",
            "--max",
            "5",
            "--out",
            join(dir, "o.geojson")
          ],
          /not valid JSON/
        ]
      ]
      for (const [args, message] of cases) {
        const run = yield* runInProcess(args)
        expect(run.code, args.join(" ")).toBe(1)
        expect(run.stderr).toMatch(/^gridwork-grid: error: /)
        expect(run.stderr).toMatch(message)
        expect(run.stdout).toBe("")
      }
    })
  )

  it.effect("shows progress on stderr only: a bar on a terminal, lines with --progress, nothing otherwise", () =>
    Effect.gen(function* () {
      const tty = yield* runInProcess(["locate", grids, "--points", points], true)
      expect(tty.code).toBe(0)
      expect(tty.stderr).toMatch(/\r {2}locate {5}100% \[#{24}\]\n$/)
      expect(tty.stdout.startsWith("id,grid_id\n")).toBe(true)
      const lines = yield* runInProcess(["locate", grids, "--points", points, "--progress"])
      expect(lines.stderr).toMatch(/^locate: 0%\n(.|\n)*locate: 100%\n$/)
      const quiet = yield* runInProcess(["locate", grids, "--points", points], true)
      expect(quiet.stdout).toBe(lines.stdout)
      const off = yield* runInProcess(["locate", grids, "--points", points, "--no-progress"], true)
      expect(off.stderr).toBe("")
    })
  )

  it.effect("audits overlays and flags stale files as of --at", () =>
    Effect.gen(function* () {
      const overlays = file(
        "overlays.geojson",
        JSON.stringify({
          type: "FeatureCollection",
          features: [
            overlayFeature(
              {
                name: "Demolition",
                parent_grid_ids: ["A"],
                valid_from: "2026-01-01T00:00:00Z",
                valid_until: "2026-06-01T00:00:00Z"
              },
              rect(0, 0, d, d)
            )
          ]
        })
      )
      const run = yield* runInProcess([
        "audit",
        grids,
        "--overlays",
        overlays,
        "--at",
        "2028-01-01T00:00:00Z",
        "--skip-overlaps"
      ])
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/demo: demolition overlay "Demolition" expired on 2026-06-01T00:00:00\.000Z/)
      expect(run.stdout).toMatch(/grids: the grids file is 426 days old/)
      expect(run.stdout).toMatch(/\[skip\] No overlapping grids \(skipped on request\)/)
    })
  )
})
