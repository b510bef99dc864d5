/**
 * Declaration files for a Gridwork package, one `.d.ts` (and `.d.ts.map`) per module, from
 * the TypeScript compiler. `tsup.shared.ts` runs it after tsup has built the JavaScript.
 *
 * Why not tsup's bundled declarations: its namespace rewriting dropped the value of every
 * `const X` that shares its name with `type X` behind `export * as Ns from "./Module"`
 * (`Obligation.SubjectId.make` did not exist in the published types), and entry points
 * sharing a private declaration chunk left types a consumer's declaration emit cannot
 * name (TS2742/TS2883). Per-module declarations keep the real symbols.
 *
 * The program is the package's `tsconfig.json` with three changes: it emits declarations
 * only, under `dist` mirroring `src`; its roots are the entry points; and it resolves other
 * workspace packages WITHOUT the `@gridwork/source` condition, so they come from their
 * published declarations (turbo builds them first) exactly as a consumer sees them.
 * Relative specifiers in the output get the extension of the runtime file (`./Foo` →
 * `./Foo.js`, `./dir` → `./dir/index.js`), so `node16`/`nodenext` consumers resolve them.
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { dirname, relative, resolve, sep } from "node:path"
import ts from "typescript"

/** What {@link emitDeclarations} compiles and where it writes. */
export interface DeclarationOptions {
  /** The package folder (holds `tsconfig.json`). */
  readonly packageDir: string
  /** Entry modules, relative to `packageDir`; declarations cover every module they reach. */
  readonly entries: ReadonlyArray<string>
  /** Source root, relative to `packageDir` (default `src`); the output mirrors its layout. */
  readonly rootDir?: string
  /** Output folder, relative to `packageDir` (default `dist`). */
  readonly outDir?: string
}

/** What {@link emitDeclarations} wrote. */
export interface DeclarationReport {
  /** Absolute paths of the written `.d.ts` files. */
  readonly files: ReadonlyArray<string>
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => process.cwd(),
  getNewLine: () => "\n"
}

function fail(what: string, diagnostics: ReadonlyArray<ts.Diagnostic>): never {
  throw new Error(`${what}:\n${ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost)}`)
}

/** `./Foo.ts` → `./Foo.js` (also `.tsx`, `.mts` → `.mjs`, `.cts` → `.cjs`, `.d.ts` → `.js`). */
const runtimePath = (file: string): string =>
  file.replace(/(\.d)?\.([mc]?)tsx?$/, (_match, _declaration: string | undefined, kind: string) => `.${kind}js`)

const hasRuntimeExtension = (specifier: string): boolean => /\.(m|c)?js$|\.json$/.test(specifier)

/**
 * A declaration transformer giving every relative module specifier (imports, re-exports,
 * `import("…")` types, module augmentations) the path of the runtime file it names.
 */
const withRuntimeExtensions =
  (options: ts.CompilerOptions): ts.TransformerFactory<ts.SourceFile | ts.Bundle> =>
  (context) => {
    const { factory } = context
    const cache = ts.createModuleResolutionCache(process.cwd(), (fileName) => fileName, options)
    const visitFile = (file: ts.SourceFile): ts.SourceFile => {
      const rewrite = (literal: ts.StringLiteral): ts.StringLiteral => {
        const specifier = literal.text
        if (!specifier.startsWith("./") && !specifier.startsWith("../")) return literal
        if (hasRuntimeExtension(specifier)) return literal
        const resolved = ts.resolveModuleName(specifier, file.fileName, options, ts.sys, cache).resolvedModule
        if (resolved === undefined) {
          throw new Error(`${file.fileName}: cannot resolve the declaration import "${specifier}"`)
        }
        let target = relative(dirname(file.fileName), runtimePath(resolved.resolvedFileName)).split(sep).join("/")
        if (!target.startsWith(".")) target = `./${target}`
        return factory.createStringLiteral(target)
      }
      const visit = (node: ts.Node): ts.Node => {
        const visited = ts.visitEachChild(node, visit, context)
        if (ts.isImportDeclaration(visited) && ts.isStringLiteral(visited.moduleSpecifier)) {
          return factory.updateImportDeclaration(
            visited,
            visited.modifiers,
            visited.importClause,
            rewrite(visited.moduleSpecifier),
            visited.attributes
          )
        }
        if (
          ts.isExportDeclaration(visited) &&
          visited.moduleSpecifier !== undefined &&
          ts.isStringLiteral(visited.moduleSpecifier)
        ) {
          return factory.updateExportDeclaration(
            visited,
            visited.modifiers,
            visited.isTypeOnly,
            visited.exportClause,
            rewrite(visited.moduleSpecifier),
            visited.attributes
          )
        }
        if (
          ts.isImportTypeNode(visited) &&
          ts.isLiteralTypeNode(visited.argument) &&
          ts.isStringLiteral(visited.argument.literal)
        ) {
          return factory.updateImportTypeNode(
            visited,
            factory.updateLiteralTypeNode(visited.argument, rewrite(visited.argument.literal)),
            visited.attributes,
            visited.qualifier,
            visited.typeArguments,
            visited.isTypeOf
          )
        }
        if (ts.isModuleDeclaration(visited) && ts.isStringLiteral(visited.name)) {
          return factory.updateModuleDeclaration(visited, visited.modifiers, rewrite(visited.name), visited.body)
        }
        return visited
      }
      return ts.visitEachChild(file, visit, context)
    }
    return (node) =>
      ts.isSourceFile(node) ? visitFile(node) : factory.updateBundle(node, node.sourceFiles.map(visitFile))
  }

/**
 * Type-checks the package's entry points and everything they reach, then writes their
 * declarations. Throws (with the compiler's diagnostics) on any error, so the build fails.
 */
export const emitDeclarations = (options: DeclarationOptions): DeclarationReport => {
  const packageDir = resolve(options.packageDir)
  const configFile = resolve(packageDir, "tsconfig.json")
  const overrides: ts.CompilerOptions = {
    noEmit: false,
    declaration: true,
    emitDeclarationOnly: true,
    declarationMap: true,
    rootDir: resolve(packageDir, options.rootDir ?? "src"),
    outDir: resolve(packageDir, options.outDir ?? "dist"),
    // Other workspace packages through their published declarations, as a consumer sees them.
    customConditions: []
  }
  const configDiagnostics: Array<ts.Diagnostic> = []
  const parsed = ts.getParsedCommandLineOfConfigFile(configFile, overrides, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => configDiagnostics.push(diagnostic)
  })
  if (parsed === undefined || configDiagnostics.length > 0) fail(`${configFile} cannot be read`, configDiagnostics)
  // TS18003 (no inputs matched `include`) does not matter: the roots are the entries.
  const configErrors = parsed.errors.filter((d) => d.category === ts.DiagnosticCategory.Error && d.code !== 18003)
  if (configErrors.length > 0) fail(`${configFile} is not valid`, configErrors)
  const compilerOptions = parsed.options
  const program = ts.createProgram({
    rootNames: options.entries.map((entry) => resolve(packageDir, entry)),
    options: compilerOptions,
    ...(parsed.projectReferences === undefined ? {} : { projectReferences: parsed.projectReferences })
  })
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error)
  if (errors.length > 0) fail(`${packageDir}: declarations not emitted, the sources do not type-check`, errors)
  const files: Array<string> = []
  const result = program.emit(
    undefined,
    (fileName, text) => {
      mkdirSync(dirname(fileName), { recursive: true })
      writeFileSync(fileName, text)
      if (fileName.endsWith(".d.ts")) files.push(fileName)
    },
    undefined,
    true,
    { afterDeclarations: [withRuntimeExtensions(compilerOptions)] }
  )
  const emitErrors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error)
  if (result.emitSkipped || emitErrors.length > 0) fail(`${packageDir}: declaration emit failed`, emitErrors)
  return { files }
}
