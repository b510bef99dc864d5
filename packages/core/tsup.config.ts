import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join, resolve } from "node:path"
import { defineConfig } from "tsup"

const outDir = "dist"

/**
 * Declarations come from `tsc` (tsconfig.build.json), one `.d.ts` per module, not from
 * tsup's bundled DTS: its namespace rewriting drops the value of every `const X` that
 * shares its name with `type X` (`export * as Obligation` lost `Obligation.SubjectId`,
 * `ObligationRule.ObligationRule` …), and it re-declares namespace members as aliases
 * that a consumer's declaration emit cannot name (TS2742). Per-module declarations keep
 * the real symbols. Their relative specifiers get the `.js` the runtime files have, so
 * `node16`/`nodenext` consumers resolve them too.
 */
const emitDeclarations = (): void => {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
  const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" })
  if (result.status !== 0) throw new Error(`tsc declarations failed (exit ${result.status})`)
  const withExtension = (file: string, specifier: string): string => {
    if (/\.(c|m)?js$/.test(specifier)) return specifier
    const target = resolve(dirname(file), specifier)
    if (existsSync(`${target}.d.ts`)) return `${specifier}.js`
    if (existsSync(join(target, "index.d.ts"))) return `${specifier}/index.js`
    throw new Error(`${file}: cannot resolve the declaration import "${specifier}"`)
  }
  const files = readdirSync(outDir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".d.ts"))
  for (const relative of files) {
    const file = join(outDir, relative)
    const text = readFileSync(file, "utf8")
    const fixed = text.replace(
      /((?:from|import\()\s*")(\.\.?\/[^"]*)(")/g,
      (_, before: string, specifier: string, after: string) => `${before}${withExtension(file, specifier)}${after}`
    )
    if (fixed !== text) writeFileSync(file, fixed)
  }
}

export default defineConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm"],
  dts: false,
  clean: true,
  sourcemap: true,
  target: "node22",
  external: ["vitest", "@effect/vitest"],
  onSuccess: async () => emitDeclarations()
})
