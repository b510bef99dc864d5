#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace into the one line CI reads:
//   N passed, N failed[, N skipped]
// A workspace with a `test` script but no report counts as one failure, so a crashed
// suite can never pass silently. Exits non-zero when anything failed or nothing ran.
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))

let passed = 0
let failed = 0
let skipped = 0
for (const pattern of rootManifest.workspaces ?? []) {
  const base = join(root, pattern.replace(/\/\*$/, ""))
  if (!existsSync(base)) continue
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    const dir = join(base, entry.name)
    const manifestFile = join(dir, "package.json")
    if (!entry.isDirectory() || !existsSync(manifestFile)) continue
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"))
    if (!manifest.scripts?.test) continue
    const reportFile = join(dir, "test-results.json")
    if (!existsSync(reportFile)) {
      process.stderr.write(`[gridwork] ${relative(root, dir)}: no test report (the suite crashed or did not run)\n`)
      failed += 1
      continue
    }
    const report = JSON.parse(readFileSync(reportFile, "utf8"))
    passed += report.numPassedTests ?? 0
    failed += report.numFailedTests ?? 0
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
    // A file that failed to load has no tests but is still a failure.
    for (const file of report.testResults ?? []) {
      if (file.status === "failed" && (file.assertionResults ?? []).length === 0) {
        process.stderr.write(`[gridwork] ${relative(root, file.name)}: ${file.message ?? "failed to run"}\n`)
        failed += 1
      }
    }
  }
}

process.stdout.write(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}\n`)
if (passed + failed === 0) process.stderr.write("[gridwork] no test ran\n")
process.exit(failed > 0 || passed + failed === 0 ? 1 : 0)
