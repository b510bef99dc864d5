/**
 * `npm run test:declarations` of a published package: compiles its consumer
 * (`test-d/*.ts`, settings from `test-d/tsconfig.json`, which extends the repository's
 * `tsconfig.test-d.json`) against the BUILT package, as a `nodenext` project with
 * declaration emit, and checks every declaration file of the workspace it reaches.
 *
 * That is `tsc -p test-d/tsconfig.json` with two differences:
 * - errors inside third-party declarations (`node_modules`: effect, @nats-io …) are not
 *   ours to fix and are left out (counted), while our own `dist` declarations ARE
 *   checked, so an import they cannot resolve under `nodenext` fails instead of turning
 *   into a silent `any`, as it would under `skipLibCheck`;
 * - it fails unless the consumer really compiled against the package's `dist`.
 *
 * Run from the package folder (`node ../../scripts/check-declarations.ts`) after a build;
 * `turbo run test:declarations` builds first. Node runs this file by stripping its types.
 * @module
 */
import { readFileSync } from "node:fs"
import { join, resolve, sep } from "node:path"
import ts from "typescript"

const packageDir = process.cwd()
const project = resolve(packageDir, process.argv[2] ?? "test-d/tsconfig.json")
const { name } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { name: string }
const dist = join(packageDir, "dist") + sep

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (fileName) => fileName,
  getCurrentDirectory: () => packageDir,
  getNewLine: () => "\n"
}

const report = (diagnostics: ReadonlyArray<ts.Diagnostic>): void => {
  process.stderr.write(ts.formatDiagnosticsWithColorAndContext(diagnostics, formatHost))
}

const configErrors: Array<ts.Diagnostic> = []
const parsed = ts.getParsedCommandLineOfConfigFile(
  project,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => configErrors.push(diagnostic) }
)
if (parsed === undefined || configErrors.length > 0 || parsed.errors.length > 0) {
  report([...configErrors, ...(parsed?.errors ?? [])])
  process.exit(1)
}
if (parsed.fileNames.length === 0) {
  process.stderr.write(`${project}: no consumer files\n`)
  process.exit(1)
}

const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options })
const emitted = program.emit()
const all = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].filter(
  (d) => d.category === ts.DiagnosticCategory.Error
)
const thirdParty = (d: ts.Diagnostic): boolean => d.file?.fileName.includes("/node_modules/") ?? false
const ours = all.filter((d) => !thirdParty(d))
const ignored = all.length - ours.length

const checked = program.getSourceFiles().filter((file) => file.fileName.startsWith(dist))
if (ours.length === 0 && !checked.some((file) => file.fileName === `${dist}index.d.ts`)) {
  process.stderr.write(`${name}: the consumer did not compile against ${dist}index.d.ts (not built?)\n`)
  process.exit(1)
}
if (ours.length > 0) {
  report(ours)
  process.stderr.write(`${name}: ${ours.length} error(s) compiling the consumer against dist\n`)
  process.exit(1)
}
const skipped = ignored === 0 ? "" : `; ${ignored} error(s) inside node_modules declarations left out`
process.stdout.write(
  `${name}: consumer compiled against dist (nodenext, declaration emit), ${checked.length} of its declaration files checked${skipped}\n`
)
