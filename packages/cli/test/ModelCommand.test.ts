import { execFile } from "node:child_process"
import { join } from "node:path"
import { promisify } from "node:util"
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Runtime } from "effect"
import { example, fixture, gridwork, here, lanxi, root } from "./CliFixtures"

const riverton = example("riverton-311.yaml")
const broken = fixture("broken.yaml")

describe("gridwork model show", () => {
  it.effect("prints the summary of a model", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork("model", "show", lanxi)
      expect(exit._tag).toBe("Success")
      expect(stdout).toContain("Lanxi County 岚溪县 (lanxi) · policy 2026.1")
      expect(stdout).toMatch(/petition\.handle +60 calendar days +\+30 calendar days with approval/)
    })
  )

  it.effect("prints the problems to standard error and fails when the model is invalid", () =>
    Effect.gen(function* () {
      const { exit, stdout, stderr } = yield* gridwork("model", "show", broken)
      assert(exit._tag === "Failure")
      expect(stdout).toBe("")
      expect(stderr).toContain("2 problems in the locality model")
      expect(stderr).toContain(`${broken}:7:54  jurisdictions[1].parent`)
    })
  )

  it.effect("reports a missing file as a problem", () =>
    Effect.gen(function* () {
      const { exit, stderr } = yield* gridwork("model", "show", join(here, "no-such-model.yaml"))
      assert(exit._tag === "Failure")
      expect(stderr).toContain("cannot read the file: no such file  [file.unreadable]")
    })
  )
})

describe("gridwork model check", () => {
  it.effect("confirms a valid model in one line", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork("model", "check", riverton)
      expect(exit._tag).toBe("Success")
      expect(stdout).toBe(
        `${riverton}: valid locality model "City of Riverton" (10 jurisdictions, 8 units, 5 roles, 7 deadlines)`
      )
    })
  )

  it.effect("prints every problem and fails with an error the runtime does not print again", () =>
    Effect.gen(function* () {
      const { exit, stdout } = yield* gridwork("model", "check", broken)
      assert(exit._tag === "Failure")
      expect(stdout.split("\n").slice(1)).toEqual([
        `  ${broken}:7:54  jurisdictions[1].parent  parent "c.t9" is not the code of any jurisdiction in this model  [jurisdiction.unknown-parent]`,
        `  ${broken}:11:3  modules.petitions  unknown module "petitions"; registered modules: responsibility  [module.unknown]`
      ])
      const error = exit.cause.reasons[0]
      assert(error?._tag === "Fail")
      expect(error.error).toMatchObject({ _tag: "ModelInvalid", problems: 2 })
      expect(Runtime.getErrorReported(error.error)).toBe(false)
    })
  )

  it.effect("prints JSON with --json", () =>
    Effect.gen(function* () {
      const invalid = yield* gridwork("model", "check", broken, "--json")
      const report = JSON.parse(invalid.stdout)
      expect(report.valid).toBe(false)
      expect(report.problems[0]).toEqual({
        file: broken,
        path: "jurisdictions[1].parent",
        rule: "jurisdiction.unknown-parent",
        message: 'parent "c.t9" is not the code of any jurisdiction in this model',
        line: 7,
        column: 54
      })
      const valid = yield* gridwork("model", "check", "--json", lanxi)
      expect(JSON.parse(valid.stdout)).toEqual({ file: lanxi, valid: true, problems: [] })
    })
  )
})

describe("the gridwork executable", () => {
  const run = (...args: ReadonlyArray<string>) =>
    promisify(execFile)(
      process.execPath,
      ["--conditions=@gridwork/source", "--import", "tsx", join(here, "..", "src", "main.ts"), ...args],
      { cwd: root }
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr
      })
    )

  it("exits 0 for a valid model and 1, printing the problems once, for an invalid one", async () => {
    const valid = await run("model", "check", "examples/localities/lanxi-county.yaml")
    expect(valid.code).toBe(0)
    expect(valid.stdout).toContain('valid locality model "Lanxi County 岚溪县"')
    const invalid = await run("model", "check", broken)
    expect(invalid.code).toBe(1)
    expect(invalid.stdout.match(/jurisdiction\.unknown-parent/g)).toHaveLength(1)
    expect(invalid.stderr).toBe("")
  })
})
