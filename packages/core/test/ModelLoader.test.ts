import { readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, expect, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ModelLoader, ModelSummary, ModuleRegistry, ResponsibilityModule } from "../src"
import { fixturesDir, memoryFileSystem, readFixture, repoRoot } from "./fixtures/models/files"

const lanxiPath = join(repoRoot, "examples", "localities", "lanxi-county.yaml")
const rivertonPath = join(repoRoot, "examples", "localities", "riverton-311.yaml")

const examples = memoryFileSystem({
  [lanxiPath]: readFileSync(lanxiPath, "utf8"),
  [rivertonPath]: readFileSync(rivertonPath, "utf8")
})

describe("ModelLoader: the example localities", () => {
  it.effect("loads Lanxi County: 4 tiers, 2 townships, 6 villages, the 2022 Regulations' deadlines", () =>
    Effect.gen(function* () {
      const model = yield* ModelLoader.loadModel(lanxiPath)
      expect(model.tiers).toEqual(["grid", "village", "township", "county"])
      expect(model.jurisdictions.atTier("township")).toHaveLength(2)
      expect(model.jurisdictions.atTier("village")).toHaveLength(6)
      expect(model.businessCalendar.timeZone).toBe("Asia/Shanghai")
      const handle = ResponsibilityModule.deadlinesOf(model).find((d) => d.id === "petition.handle")
      assert(handle !== undefined)
      expect([handle.within.amount, handle.within.unit, handle.extension?.amount, handle.source.article]).toEqual([
        60,
        "calendar-days",
        30,
        "32"
      ])
      // the county bureau's registrar may register anywhere in the county; the village grid worker only in the village
      const registrar = "019a6f40-0000-7000-8000-000000000001"
      const gridWorker = "019a6f40-0000-7000-8000-000000000004"
      expect(model.organization.can(registrar, "petition.register", "lanxi.xiqiao.huangni.g2")).toBe(true)
      expect(model.organization.can(gridWorker, "petition.register", "lanxi.dongshan.qiaotou.g1")).toBe(true)
      expect(model.organization.can(gridWorker, "petition.register", "lanxi.dongshan.shangtang")).toBe(false)
      // the leader approves extensions through the responsibility module's default roles
      expect(
        model.organization.can("019a6f40-0000-7000-8000-000000000002", "responsibility.approve-extension", "lanxi")
      ).toBe(true)
    }).pipe(Effect.provide(examples))
  )

  it.effect("loads Riverton 311: wards, New York time, working hours, SLA deadlines", () =>
    Effect.gen(function* () {
      const model = yield* ModelLoader.loadModel(rivertonPath)
      expect(model.tiers).toEqual(["ward", "district", "city"])
      expect(model.calendar.workingHours).toEqual([{ start: "08:00", end: "17:00" }])
      expect(model.businessCalendar.isYearLoaded(2026)).toBe(true)
      const units = ResponsibilityModule.deadlinesOf(model).map((d) => d.within.unit)
      expect(new Set(units)).toEqual(new Set(["working-hours", "working-days", "minutes"]))
    }).pipe(Effect.provide(examples))
  )

  it.effect("renders a summary with the tree, the calendar and the deadlines with their articles", () =>
    Effect.gen(function* () {
      const text = ModelSummary.render(yield* ModelLoader.loadModel(lanxiPath))
      expect(text).toContain("Lanxi County 岚溪县 (lanxi) · policy 2026.1")
      expect(text).toContain("Tiers (lowest first): grid → village → township → county")
      expect(text).toContain("Jurisdictions (14: 1 county, 2 townships, 6 villages, 5 grids; inline)")
      expect(text).toMatch(/│ {2}├─ Qiaotou Grid 1 桥头村第一网格 +grid +lanxi\.dongshan\.qiaotou\.g1/)
      expect(text).toMatch(/Time zone +Asia\/Shanghai/)
      expect(text).toMatch(/2026 +33 days off +6 make-up working days: 01-04, 02-14, 02-28, 05-09, 09-20, 10-10/)
      expect(text).toMatch(
        /petition\.handle +60 calendar days +\+30 calendar days with approval +信访工作条例 \(2022\), art\. 32/
      )
      expect(text).toMatch(/hotline\.inquiry +2 working days/)
    }).pipe(Effect.provide(examples))
  )

  it.effect("serves loads through the ModelLoader service", () =>
    Effect.gen(function* () {
      const loader = yield* ModelLoader.ModelLoader
      const model = yield* loader.load(rivertonPath)
      expect(model.locality.id).toBe("riverton")
    }).pipe(Effect.provide(ModelLoader.ModelLoader.layerWith(ModuleRegistry.core)), Effect.provide(examples))
  )
})

describe("ModelLoader.layerTest", () => {
  it.effect("loads models and their references from memory", () =>
    Effect.gen(function* () {
      const loader = yield* ModelLoader.ModelLoader
      const model = yield* loader.load("models/valid-geojson.yaml")
      expect(model.jurisdictions.size).toBe(4)
      const error = yield* Effect.flip(loader.load("models/none.yaml"))
      expect(error.problems.map((p) => p.rule)).toEqual(["file.unreadable"])
    }).pipe(
      Effect.provide(
        ModelLoader.ModelLoader.layerTest({
          "models/valid-geojson.yaml": readFixture("valid-geojson.yaml"),
          "models/jurisdictions.geojson": readFixture("jurisdictions.geojson")
        })
      )
    )
  )
})

describe("ModelLoader: files", () => {
  it.effect("reads a GeoJSON of jurisdictions next to the model", () =>
    Effect.gen(function* () {
      const model = yield* ModelLoader.loadModel(join(fixturesDir, "valid-geojson.yaml"))
      expect(model.jurisdictions.size).toBe(4)
      expect(model.jurisdictions.parent("c.t1.v1").pipe(Option.map((j) => j.code))).toEqual(Option.some("c.t1"))
    }).pipe(
      Effect.provide(
        memoryFileSystem({
          [join(fixturesDir, "valid-geojson.yaml")]: readFixture("valid-geojson.yaml"),
          [join(fixturesDir, "jurisdictions.geojson")]: readFixture("jurisdictions.geojson")
        })
      )
    )
  )

  it.effect("fails with file.unreadable when the model file is missing", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(ModelLoader.loadModel("/nowhere/model.yaml"))
      expect(error._tag).toBe("LocalityModelError")
      expect(error.problems.map((p) => [p.file, p.path, p.rule])).toEqual([
        ["/nowhere/model.yaml", "", "file.unreadable"]
      ])
      expect(error.problems[0]?.message).toBe("cannot read the file: no such file")
    }).pipe(Effect.provide(memoryFileSystem({})))
  )

  it.effect("reports an unreadable GeoJSON as a problem of the model, with the others", () =>
    Effect.gen(function* () {
      const file = join(fixturesDir, "geojson-missing-file.yaml")
      const error = yield* Effect.flip(ModelLoader.loadModel(file))
      expect(error.problems.map((p) => [p.path, p.rule, p.line])).toEqual([
        ["jurisdictions.file", "file.unreadable", 5]
      ])
      expect(error.problems[0]?.message).toContain(join(fixturesDir, "no-such-file.geojson"))
    }).pipe(
      Effect.provide(
        memoryFileSystem({ [join(fixturesDir, "geojson-missing-file.yaml")]: readFixture("geojson-missing-file.yaml") })
      )
    )
  )
})
