import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { describe, it } from "@effect/vitest"
import { Bus } from "@gridwork/core"
import { PointInPolygon } from "@gridwork/grid"
import { Duration, Effect, Exit, Stream } from "effect"
import { afterAll, assert, beforeAll } from "vitest"
import * as Fixture from "./support/GridFixture"

/**
 * The grid service end to end, in-process, on the 3,014 census blocks of Providence
 * (ODbL): upload → partition job followed over SSE → publish → locate → rosters →
 * staffing → audit → re-partition after a weight change → from scratch. The steps
 * share one service and run in order.
 */

interface UnitSet {
  readonly unitSetId: string
  readonly counts: { readonly units: number; readonly rejected: number; readonly features: number }
  readonly findings: ReadonlyArray<{ readonly path: string; readonly code: string; readonly severity: string }>
}
interface Job {
  readonly jobId: string
  readonly status: string
  readonly baseVersion: number
  readonly progress?: { readonly phase: string; readonly percent: number }
  readonly result?: {
    readonly grids: number
    readonly gridsHash: string
    readonly renumbered: boolean
    readonly churn?: {
      readonly weightShare: number
      readonly keptGrids: number
      readonly retiredGrids: ReadonlyArray<string>
      readonly createdGrids: ReadonlyArray<string>
    }
    readonly successors: ReadonlyArray<{ readonly gridId: string; readonly successors: ReadonlyArray<string> }>
  }
  readonly failure?: { readonly code: string; readonly reason: string }
}
interface Publication {
  readonly version: {
    readonly version: number
    readonly gridsHash: string
    readonly counts: { readonly retired: number }
  }
  readonly retired: ReadonlyArray<{ readonly gridId: string; readonly successors: ReadonlyArray<string> }>
}
interface GridFeature {
  readonly properties: { readonly grid_id: string; readonly community: string; readonly units: ReadonlyArray<string> }
  readonly geometry: PointInPolygon.PolygonCoordinates
}
interface GridsFile {
  readonly features: ReadonlyArray<GridFeature>
}

const blocksText = readFileSync(Fixture.providenceFile, "utf8")
const blocks = JSON.parse(blocksText) as {
  readonly type: "FeatureCollection"
  readonly features: ReadonlyArray<{
    readonly properties: { readonly GEOID10: string; readonly TOTPOP: number; readonly WARD: number }
    readonly geometry: { readonly type: "Polygon"; readonly coordinates: Array<Array<[number, number]>> }
  }>
}
const uploadQuery = "?idProperty=GEOID10&weightProperty=TOTPOP&communityProperty=WARD"
const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex")

let fixture: Fixture.Fixture
let planner: string
let viewer: string

beforeAll(async () => {
  fixture = await Fixture.make()
  planner = await fixture.token(["grid-planner"])
  viewer = await fixture.token(["grid-viewer"])
})
afterAll(async () => {
  await fixture.app.dispose()
})

const uploadBlocks = async (document: object, name: string): Promise<UnitSet> => {
  const response = await Fixture.post(
    fixture,
    `/v1/unit-sets${uploadQuery}&name=${encodeURIComponent(name)}`,
    planner,
    document,
    {
      "content-type": "application/geo+json"
    }
  )
  assert.strictEqual(response.status, 201, await response.clone().text())
  return (await response.json()) as UnitSet
}

/** Requests a job and follows its events to the end; returns the events and the finished job. */
const runJob = async (body: object): Promise<{ readonly job: Job; readonly events: Array<Fixture.SseEvent> }> => {
  const requested = await Fixture.post(fixture, "/v1/partition-jobs", planner, body)
  assert.strictEqual(requested.status, 202, await requested.clone().text())
  const queued = (await requested.json()) as Job
  assert.strictEqual(requested.headers.get("location"), `/v1/partition-jobs/${queued.jobId}`)
  const stream = await Fixture.get(fixture, `/v1/partition-jobs/${queued.jobId}/events`, viewer)
  assert.strictEqual(stream.status, 200)
  assert.match(stream.headers.get("content-type") ?? "", /^text\/event-stream/)
  const events = Fixture.parseSse(await stream.text())
  const job = (await (await Fixture.get(fixture, `/v1/partition-jobs/${queued.jobId}`, viewer)).json()) as Job
  return { job, events }
}

const publish = async (jobId: string, key: string = crypto.randomUUID()) =>
  Fixture.post(fixture, "/v1/grid-versions", planner, { jobId }, { "idempotency-key": key })

const gridsOf = async (version?: number): Promise<{ readonly text: string; readonly file: GridsFile }> => {
  const response = await Fixture.get(fixture, `/v1/grids${version === undefined ? "" : `?version=${version}`}`, viewer)
  assert.strictEqual(response.status, 200)
  const text = await response.text()
  return { text, file: JSON.parse(text) as GridsFile }
}

/** Every bus message on `gw.providence.grid.>` so far (a fresh durable replays them all). */
const busMessages = async () => {
  const exit = await fixture.app.run(
    Effect.scoped(
      Effect.gen(function* () {
        const bus = yield* Bus.Bus
        const deliveries = yield* bus.subscribe({
          durable: `test-${crypto.randomUUID()}`,
          subject: "gw.providence.grid.>"
        })
        return yield* deliveries.pipe(
          Stream.interruptWhen(Effect.sleep(Duration.millis(300))),
          Stream.map((delivery) => delivery.message),
          Stream.runCollect
        )
      })
    )
  )
  if (Exit.isFailure(exit)) throw new Error(`bus subscription failed: ${String(exit.cause)}`)
  return exit.value
}

/** The blocks with two damaged features (a weight that is not a number, a null geometry). */
const features: ReadonlyArray<unknown> = blocks.features.map((feature, index) =>
  index === 5
    ? { ...feature, properties: { ...feature.properties, TOTPOP: "unknown" } }
    : index === 9
      ? { ...feature, geometry: null }
      : feature
)

let unitSet: UnitSet
let firstJob: Job
let firstGrids: GridsFile

describe("grid service, end to end", () => {
  it("serves health, readiness, OpenAPI and the docs page", async () => {
    assert.strictEqual((await fixture.app.request("/health/live")).status, 200)
    assert.strictEqual((await fixture.app.request("/health/ready")).status, 200)
    const openapi = (await (await fixture.app.request("/openapi.json")).json()) as {
      readonly paths: Record<
        string,
        Record<string, { readonly responses: Record<string, { readonly content?: object }> }>
      >
    }
    assert.includeMembers(Object.keys(openapi.paths), [
      "/v1/unit-sets",
      "/v1/partition-jobs",
      "/v1/partition-jobs/{jobId}/events",
      "/v1/grid-versions",
      "/v1/grids",
      "/v1/grids/{gridId}",
      "/v1/locate",
      "/v1/grids/{gridId}/roster",
      "/v1/staffing/check",
      "/v1/audit"
    ])
    assert.deepStrictEqual(
      Object.keys(openapi.paths["/v1/partition-jobs/{jobId}/events"]?.get?.responses["200"]?.content ?? {}),
      ["text/event-stream"]
    )
    const docs = await fixture.app.request("/docs")
    assert.strictEqual(docs.status, 200)
  })

  it("refuses anonymous callers (401) and callers without the permission or jurisdiction (403)", async () => {
    const anonymous = await fixture.app.request("/v1/grids")
    assert.strictEqual(anonymous.status, 401)
    assert.strictEqual((await Fixture.problemOf(anonymous)).type, "urn:gridwork:problem:unauthenticated")
    const wrongAudience = await Effect.runPromise(
      fixture.issuer.mint({ subject: "x", roles: ["grid-planner"], jurisdictions: ["providence"], audience: "other" })
    )
    assert.strictEqual((await Fixture.get(fixture, "/v1/grids", wrongAudience)).status, 401)
    const forbidden = await Fixture.post(fixture, "/v1/unit-sets", viewer, { type: "FeatureCollection", features: [] })
    assert.strictEqual(forbidden.status, 403)
    assert.include((await Fixture.problemOf(forbidden)).detail, "grid.partition")
    const stranger = await fixture.token(["grid-planner"], ["elsewhere"])
    const elsewhere = await Fixture.get(fixture, "/v1/grids", stranger)
    assert.strictEqual(elsewhere.status, 403)
    assert.include((await Fixture.problemOf(elsewhere)).detail, "providence")
    const wardOnly = await fixture.token(["grid-planner"], ["providence.ward-3"])
    const partitionFromWard = await Fixture.post(fixture, "/v1/partition-jobs", wardOnly, {
      unitSetId: "01a20000-0000-7000-8000-000000000001",
      min: 750,
      max: 1250
    })
    assert.strictEqual(partitionFromWard.status, 403, "a partition changes the whole city")
    assert.strictEqual(
      (await Fixture.get(fixture, "/v1/grids", wardOnly)).status,
      404,
      "reads: any ward will do (none published yet)"
    )
  })

  it("answers bad input with problem+json naming the field and the rule, never 5xx", async () => {
    const noKey = await fixture.app.request("/v1/unit-sets", {
      method: "POST",
      body: "{}",
      headers: { ...Fixture.bearer(planner), "content-type": "application/json" }
    })
    assert.strictEqual(noKey.status, 400)

    const notJson = await Fixture.post(fixture, "/v1/unit-sets", planner, '{"type": "FeatureColl')
    assert.strictEqual(notJson.status, 400)
    assert.strictEqual((await Fixture.problemOf(notJson)).errors?.[0]?.rule, "json")

    const notCollection = await Fixture.post(fixture, "/v1/unit-sets", planner, { type: "Feature", features: [] })
    assert.strictEqual(notCollection.status, 422)
    assert.strictEqual((await Fixture.problemOf(notCollection)).errors?.[0]?.path, "/type")

    const nothingUsable = await Fixture.post(fixture, `/v1/unit-sets${uploadQuery}`, planner, {
      type: "FeatureCollection",
      features: [{ type: "Feature", properties: { GEOID10: "a", TOTPOP: 1, WARD: 1 }, geometry: null }]
    })
    assert.strictEqual(nothingUsable.status, 422)
    const refusal = await Fixture.problemOf(nothingUsable)
    assert.strictEqual(refusal.type, "urn:gridwork:problem:no-usable-units")
    assert.include(refusal.detail, "/features/0: null-geometry")

    const badJob = await Fixture.post(fixture, "/v1/partition-jobs", planner, { unitSetId: "nope", min: 900, max: 100 })
    assert.strictEqual(badJob.status, 422)
    const badJobProblem = await Fixture.problemOf(badJob)
    assert.includeMembers(badJobProblem.errors?.map((e) => e.path) ?? [], ["/unitSetId"])
    const inverted = await Fixture.post(fixture, "/v1/partition-jobs", planner, {
      unitSetId: "01a20000-0000-7000-8000-000000000001",
      min: 900,
      max: 100
    })
    assert.strictEqual(inverted.status, 422)
    assert.strictEqual((await Fixture.problemOf(inverted)).errors?.[0]?.path, "/min")
    const unknownSet = await Fixture.post(fixture, "/v1/partition-jobs", planner, {
      unitSetId: "01a20000-0000-7000-8000-000000000001",
      min: 750,
      max: 1250
    })
    assert.strictEqual(unknownSet.status, 422)
    assert.deepStrictEqual(
      (await Fixture.problemOf(unknownSet)).errors?.map((e) => [e.in, e.path, e.rule]),
      [["body", "/unitSetId", "exists"]]
    )

    const badPoint = await Fixture.get(fixture, "/v1/locate?lon=200&lat=north", viewer)
    assert.strictEqual(badPoint.status, 422)
    assert.sameMembers([...new Set((await Fixture.problemOf(badPoint)).errors?.map((e) => e.path))], ["/lon", "/lat"])

    const badVersion = await Fixture.get(fixture, "/v1/grid-versions/zero", viewer)
    assert.strictEqual(badVersion.status, 422)
    const unknownJob = await publish("01a20000-0000-7000-8000-000000000002")
    assert.strictEqual(unknownJob.status, 422)
    assert.strictEqual((await Fixture.problemOf(unknownJob)).errors?.[0]?.rule, "exists")
    assert.strictEqual((await Fixture.get(fixture, "/v1/locate?lon=-71.41&lat=41.82", viewer)).status, 404)
  })

  it("uploads the Providence blocks, listing the bad units and keeping the rest", async () => {
    unitSet = await uploadBlocks({ type: "FeatureCollection", features }, "Providence blocks, 2 damaged")
    assert.strictEqual(unitSet.counts.features, 3014)
    assert.strictEqual(unitSet.counts.units, 3012)
    assert.strictEqual(unitSet.counts.rejected, 2)
    assert.deepStrictEqual(
      unitSet.findings.filter((f) => f.severity === "error").map((f) => [f.path, f.code]),
      [
        ["/features/5", "invalid-weight"],
        ["/features/9", "null-geometry"]
      ]
    )
    const again = (await (await Fixture.get(fixture, `/v1/unit-sets/${unitSet.unitSetId}`, viewer)).json()) as UnitSet
    assert.deepStrictEqual(again, unitSet)
  })

  it("runs a partition job in the background and streams its progress to completion", async () => {
    const { job, events } = await runJob({ unitSetId: unitSet.unitSetId, min: 750, max: 1250 })
    firstJob = job
    assert.strictEqual(job.status, "completed")
    assert.strictEqual(job.baseVersion, 0)
    const last = events.at(-1)
    assert.isDefined(last)
    assert.strictEqual(last!.event, "done")
    assert.strictEqual((last!.data as Job).result?.grids, job.result?.grids)
    assert.isAbove(job.result?.grids ?? 0, 150)
    const percents = events
      .filter((e) => e.event === "progress")
      .map((e) => (e.data as Job).progress?.percent ?? Number.NaN)
    assert.deepStrictEqual(
      percents,
      [...percents].sort((a, b) => a - b),
      "progress never goes back"
    )
    // A finished job's stream is its final event only.
    const replay = Fixture.parseSse(
      await (await Fixture.get(fixture, `/v1/partition-jobs/${job.jobId}/events`, viewer)).text()
    )
    assert.deepStrictEqual(
      replay.map((e) => e.event),
      ["done"]
    )
  })

  it("publishes the job as version 1: stored, relayed on the bus, replayed for a retried request", async () => {
    const key = crypto.randomUUID()
    const response = await publish(firstJob.jobId, key)
    assert.strictEqual(response.status, 201, await response.clone().text())
    assert.strictEqual(response.headers.get("location"), "/v1/grid-versions/1")
    const publication = (await response.json()) as Publication
    assert.strictEqual(publication.version.version, 1)
    assert.deepStrictEqual(publication.retired, [])

    const replayed = await publish(firstJob.jobId, key)
    assert.strictEqual(replayed.headers.get("idempotent-replayed"), "true")
    const twice = await publish(firstJob.jobId)
    assert.strictEqual(twice.status, 409)
    assert.strictEqual((await Fixture.problemOf(twice)).type, "urn:gridwork:problem:job-already-published")

    const { text, file } = await gridsOf()
    firstGrids = file
    assert.strictEqual(sha256(text), publication.version.gridsHash, "the served file is the published one")
    assert.strictEqual(file.features.length, firstJob.result?.grids)

    const messages = await busMessages()
    const published = messages.filter((m) => m.subject === "gw.providence.grid.grid-version-published")
    assert.strictEqual(published.length, 1)
    const data = published[0]!.event.data as { readonly version: number; readonly gridsHash: string }
    assert.strictEqual(data.version, 1)
    assert.strictEqual(data.gridsHash, publication.version.gridsHash)
    assert.isFalse(
      messages.some((m) => m.subject.includes("partition-job") || m.subject.includes("unit-set")),
      "internal events stay internal"
    )
  })

  it("serves the grids with an ETag, one grid, and locates a known point", async () => {
    const first = await Fixture.get(fixture, "/v1/grids", viewer)
    assert.strictEqual(first.headers.get("content-type"), "application/geo+json")
    const etag = first.headers.get("etag") ?? ""
    const cached = await Fixture.get(fixture, "/v1/grids", viewer, { "if-none-match": etag })
    assert.strictEqual(cached.status, 304)

    // A point inside block 440070001001000's grid: the block's first ring, averaged.
    const block = blocks.features.find((f) => f.properties.TOTPOP > 0 && f.geometry.coordinates[0]!.length === 5)!
    const ring = block.geometry.coordinates[0]!
    const lon = (ring[0]![0] + ring[2]![0]) / 2
    const lat = (ring[0]![1] + ring[2]![1]) / 2
    const table = PointInPolygon.compile(firstGrids.features.map((f) => f.geometry))
    const expected = firstGrids.features[PointInPolygon.locateBruteForce(table, lon, lat)]!
    const located = await Fixture.get(fixture, `/v1/locate?lon=${lon}&lat=${lat}`, viewer)
    assert.strictEqual(located.status, 200)
    const body = (await located.json()) as {
      readonly gridId: string
      readonly community: string
      readonly jurisdictions: ReadonlyArray<string>
      readonly version: number
    }
    assert.strictEqual(body.gridId, expected.properties.grid_id)
    assert.strictEqual(body.version, 1)
    assert.deepStrictEqual(body.jurisdictions, [`providence.ward-${body.community}`, "providence"])
    assert.strictEqual(body.community, String(block.properties.WARD))

    const outside = await Fixture.get(fixture, "/v1/locate?lon=0&lat=0", viewer)
    assert.strictEqual(outside.status, 404)
    assert.strictEqual((await Fixture.problemOf(outside)).type, "urn:gridwork:problem:outside-grids")

    const one = await Fixture.get(fixture, `/v1/grids/${encodeURIComponent(body.gridId)}`, viewer)
    assert.strictEqual(one.status, 200)
    assert.strictEqual(((await one.json()) as GridFeature).properties.grid_id, body.gridId)
    assert.strictEqual((await Fixture.get(fixture, "/v1/grids/99-99", viewer)).status, 404)
  })

  it("keeps rosters within the coordinator's ward, and checks staffing", async () => {
    const ward3 = firstGrids.features.filter((f) => f.properties.community === "3").map((f) => f.properties.grid_id)
    const ward5 = firstGrids.features.find((f) => f.properties.community === "5")!.properties.grid_id
    const coordinator = await fixture.token(["ward-coordinator"], ["providence.ward-3"])
    const put = (gridId: string, token: string, body: object) =>
      fixture.app.request(`/v1/grids/${gridId}/roster`, {
        method: "PUT",
        body: JSON.stringify(body),
        headers: { ...Fixture.bearer(token), "content-type": "application/json" }
      })
    const roster = {
      members: [
        { personId: "p-1042", role: "leader" },
        { personId: "p-2001", role: "police-liaison" },
        { personId: "p-3003", role: "mediator" },
        { personId: "p-3004", role: "member" },
        { personId: "p-3005", role: "member" }
      ],
      contacts: [
        { kind: "worker", phone: "+1 401 555 0100" },
        { kind: "supervision", phone: "+1 401 555 0199" }
      ]
    }
    const saved = await put(ward3[0]!, coordinator, roster)
    assert.strictEqual(saved.status, 200, await saved.clone().text())
    const read = (await (await Fixture.get(fixture, `/v1/grids/${ward3[0]}/roster`, viewer)).json()) as {
      readonly members: ReadonlyArray<object>
      readonly changedBy: string
    }
    assert.deepStrictEqual(read.members, roster.members)
    assert.strictEqual(read.changedBy, "user-ward-coordinator")

    assert.strictEqual((await put(ward5, coordinator, roster)).status, 403)
    assert.strictEqual((await put(ward3[1]!, viewer, roster)).status, 403)
    const duplicate = await put(ward3[1]!, coordinator, {
      members: [roster.members[0], roster.members[0]],
      contacts: []
    })
    assert.strictEqual(duplicate.status, 422)
    assert.deepStrictEqual(
      (await Fixture.problemOf(duplicate)).errors?.map((e) => [e.path, e.rule]),
      [["/members/1", "unique"]]
    )
    const badPhone = await put(ward3[1]!, coordinator, {
      members: [],
      contacts: [{ kind: "worker", phone: "call me" }]
    })
    assert.strictEqual(badPhone.status, 422)
    assert.strictEqual((await Fixture.problemOf(badPhone)).errors?.[0]?.path, "/contacts/0/phone")
    assert.strictEqual((await put("99-99", coordinator, roster)).status, 404)

    // The public lookup names roles and head counts, never persons.
    const feature = firstGrids.features.find((f) => f.properties.grid_id === ward3[0])!
    const table = PointInPolygon.compile([feature.geometry])
    const ring = (
      feature.geometry.type === "Polygon" ? feature.geometry.coordinates : feature.geometry.coordinates[0]!
    )[0]!
    let point: readonly [number, number] | undefined
    for (let i = 0; i < ring.length - 2 && point === undefined; i++) {
      const candidate = [(ring[i]![0] + ring[i + 2]![0]) / 2, (ring[i]![1] + ring[i + 2]![1]) / 2] as const
      if (PointInPolygon.locateBruteForce(table, candidate[0], candidate[1]) === 0) point = candidate
    }
    assert.isDefined(point)
    const located = await Fixture.get(fixture, `/v1/locate?lon=${point![0]}&lat=${point![1]}`, viewer)
    const body = await located.text()
    assert.notInclude(body, "p-1042")
    const staff = JSON.parse(body) as {
      readonly staff: ReadonlyArray<{ role: string; count: number }>
      readonly contacts: ReadonlyArray<object>
    }
    assert.deepInclude(staff.staff, { role: "member", count: 2 })
    assert.strictEqual(staff.contacts.length, 2)

    const check = (await (await Fixture.get(fixture, "/v1/staffing/check", viewer)).json()) as {
      readonly staffedGrids: number
      readonly gaps: ReadonlyArray<{ readonly gridId?: string; readonly rule: string; readonly community?: string }>
    }
    assert.strictEqual(check.staffedGrids, 1)
    assert.isFalse(check.gaps.some((g) => g.gridId === ward3[0]))
    assert.isFalse(check.gaps.some((g) => g.rule === "staffing.community-missing-role" && g.community === "3"))
    assert.isTrue(check.gaps.some((g) => g.gridId === ward3[1] && g.rule === "staffing.missing-role"))
  })

  it("audits coverage as JSON and as text", async () => {
    const json = await Fixture.get(fixture, "/v1/audit", viewer)
    assert.strictEqual(json.status, 200)
    const report = (await json.json()) as {
      readonly totals: { readonly grids: number; readonly units: number }
      readonly checks: ReadonlyArray<{ readonly check: string; readonly outcome: string }>
    }
    assert.strictEqual(report.totals.units, 3012)
    const outcome = (check: string) => report.checks.find((c) => c.check === check)?.outcome
    assert.strictEqual(outcome("coverage"), "passed")
    assert.strictEqual(outcome("overlap"), "passed")
    assert.strictEqual(outcome("staffing"), "failed")
    const text = await Fixture.get(fixture, "/v1/audit", viewer, { accept: "text/plain" })
    assert.match(text.headers.get("content-type") ?? "", /^text\/plain/)
    assert.include(await text.text(), "Every unit in exactly one grid")
  })

  it("re-partitions after a weight change: ids kept, churn reported, retired ids never reused", async () => {
    // Ward 3 loses 40% of its people.
    const lighter = {
      type: "FeatureCollection",
      features: features.map((feature, index) => {
        const f = blocks.features[index]!
        return index !== 5 && f.properties.WARD === 3
          ? { ...f, properties: { ...f.properties, TOTPOP: Math.round(f.properties.TOTPOP * 0.6) } }
          : feature
      })
    }
    const changed = await uploadBlocks(lighter, "Providence blocks, ward 3 lighter")
    const stale = await Fixture.post(fixture, "/v1/partition-jobs", planner, {
      unitSetId: changed.unitSetId,
      min: 750,
      max: 1250,
      previousVersion: 2
    })
    assert.strictEqual(stale.status, 422)
    assert.deepStrictEqual(
      (await Fixture.problemOf(stale)).errors?.map((e) => [e.path, e.rule]),
      [["/previousVersion", "in-force"]]
    )

    const { job } = await runJob({ unitSetId: changed.unitSetId, min: 750, max: 1250, previousVersion: 1 })
    assert.strictEqual(job.status, "completed", JSON.stringify(job.failure))
    const churn = job.result?.churn
    assert.isDefined(churn)
    assert.isAbove(churn!.weightShare, 0)
    assert.isBelow(churn!.weightShare, 0.1)
    assert.isAbove(churn!.retiredGrids.length, 0)
    for (const id of churn!.retiredGrids) assert.match(id, /^3-/)

    // A job asked for against version 1 as well, to be published after version 2.
    const { job: late } = await runJob({ unitSetId: unitSet.unitSetId, min: 750, max: 1250 })

    const response = await publish(job.jobId)
    assert.strictEqual(response.status, 201, await response.clone().text())
    const publication = (await response.json()) as Publication
    assert.strictEqual(publication.version.version, 2)
    assert.sameMembers(
      publication.retired.map((r) => r.gridId),
      [...churn!.retiredGrids]
    )
    const { file: second } = await gridsOf()
    const ids = (file: GridsFile) => file.features.map((f) => f.properties.grid_id)
    // Every ward but 3 kept its grids exactly.
    const unitsById = (file: GridsFile) =>
      new Map(file.features.map((f) => [f.properties.grid_id, [...f.properties.units].sort().join()]))
    const before = unitsById(firstGrids)
    const after = unitsById(second)
    for (const feature of firstGrids.features.filter((f) => f.properties.community !== "3")) {
      assert.strictEqual(after.get(feature.properties.grid_id), before.get(feature.properties.grid_id))
    }
    const retired = publication.retired[0]!
    const gone = await Fixture.get(fixture, `/v1/grids/${retired.gridId}`, viewer)
    assert.strictEqual(gone.status, 410)
    assert.include((await Fixture.problemOf(gone)).detail, retired.successors.join(", "))
    const old = await Fixture.get(fixture, `/v1/grids/${retired.gridId}?version=1`, viewer)
    assert.strictEqual(old.status, 200)

    const messages = await busMessages()
    assert.sameMembers(
      messages
        .filter((m) => m.subject === "gw.providence.grid.grid-retired")
        .map((m) => (m.event.data as { readonly gridId: string }).gridId),
      [...churn!.retiredGrids]
    )

    const stalePublish = await publish(late.jobId)
    assert.strictEqual(stalePublish.status, 409)
    assert.strictEqual((await Fixture.problemOf(stalePublish)).type, "urn:gridwork:problem:stale-base-version")

    // From scratch now: every grid is new, numbered above every id ever used.
    const { job: fresh } = await runJob({ unitSetId: unitSet.unitSetId, min: 750, max: 1250 })
    assert.isTrue(fresh.result?.renumbered)
    const third = await publish(fresh.jobId)
    assert.strictEqual(third.status, 201)
    const { file: thirdGrids } = await gridsOf()
    const everUsed = new Set([...ids(firstGrids), ...ids(second)])
    for (const id of ids(thirdGrids)) assert.isFalse(everUsed.has(id), `${id} was used before`)
    const versions = (await (await Fixture.get(fixture, "/v1/grid-versions", viewer)).json()) as {
      readonly current: number
      readonly versions: ReadonlyArray<{ readonly version: number; readonly counts: { readonly retired: number } }>
    }
    assert.strictEqual(versions.current, 3)
    assert.deepStrictEqual(
      versions.versions.map((v) => v.version),
      [3, 2, 1]
    )
    assert.strictEqual(versions.versions[0]?.counts.retired, second.features.length)
  })
})
