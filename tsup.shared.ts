/**
 * The one tsup configuration of every Gridwork package that builds (`packages/*`,
 * `services/*`). A package's `tsup.config.ts` is a call of {@link gridworkTsup}:
 *
 * ```ts
 * import { gridworkTsup } from "../../tsup.shared"
 *
 * export default gridworkTsup({ entry: { index: "src/index.ts" }, bin: { cli: "src/cli/main.ts" } })
 * ```
 *
 * tsup builds the JavaScript only: ESM for Node 22, source maps, shared chunks, `dist/<name>.js`
 * per entry. Declarations come from the TypeScript compiler afterwards, one `.d.ts` per
 * module with `.js` specifiers (`scripts/emit-declarations.ts` says why), and a type error
 * fails the build. Each package's `test:declarations` compiles a `nodenext` consumer
 * against the result.
 * @module
 */
import { resolve } from "node:path"
import type { Options, Plugin } from "tsup"
import { emitDeclarations } from "./scripts/emit-declarations"

/** What a package builds. Output names are paths under `dist` without `.js`. */
export interface GridworkTsupOptions {
  /**
   * Modules loaded by others: output name → source, e.g. `{ index: "src/index.ts",
   * "testing/index": "src/testing/index.ts" }`. Declarations cover every module they reach.
   */
  readonly entry: Readonly<Record<string, string>>
  /**
   * Executables: output name → source, e.g. `{ main: "src/main.ts" }`. Each output starts
   * with `#!/usr/bin/env node` and is made executable; no declarations.
   */
  readonly bin?: Readonly<Record<string, string>>
  /** Imports left to the consumer beyond the package's dependencies (e.g. optional peers). */
  readonly external?: ReadonlyArray<string>
}

const outDir = "dist"
const shebang = "#!/usr/bin/env node\n"

/**
 * Starts each executable's output with {@link shebang} and sets mode 755. The line is added
 * after esbuild, so the source map is shifted down one line (a leading `;` in `mappings`)
 * to keep stack traces pointing at the right source lines.
 */
const executables = (names: ReadonlyArray<string>): Plugin => {
  const paths = new Set(names.map((name) => resolve(outDir, `${name}.js`)))
  return {
    name: "gridwork-executables",
    renderChunk(code, chunk) {
      if (!paths.has(resolve(chunk.path))) return undefined
      chunk.mode = 0o755
      if (code.startsWith("#!")) return undefined
      if (chunk.map !== undefined && chunk.map !== null) {
        const map = typeof chunk.map === "string" ? JSON.parse(chunk.map) : { ...chunk.map }
        chunk.map = JSON.stringify({ ...map, mappings: `;${map.mappings}` })
      }
      return { code: `${shebang}${code}` }
    }
  }
}

/** The tsup options of a Gridwork package (see the module documentation). */
export const gridworkTsup = (options: GridworkTsupOptions): Options => {
  const bin = options.bin ?? {}
  return {
    entry: { ...options.entry, ...bin },
    outDir,
    format: ["esm"],
    target: "node22",
    sourcemap: true,
    clean: true,
    dts: false,
    ...(options.external === undefined ? {} : { external: [...options.external] }),
    plugins: [executables(Object.keys(bin))],
    onSuccess: async () => {
      const started = performance.now()
      const { files } = emitDeclarations({ packageDir: process.cwd(), entries: Object.values(options.entry) })
      const elapsed = Math.round(performance.now() - started)
      console.log(`DTS ${files.length} declaration files (tsc, per module) in ${elapsed}ms`)
    }
  }
}
