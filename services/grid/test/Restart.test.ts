import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeServices } from "@effect/platform-node"
import { describe, it } from "@effect/vitest"
import { SyntheticUnits } from "@gridwork/grid"
import { Layer } from "effect"
import { afterAll, assert } from "vitest"
import * as Storage from "../src/storage/Storage"
import * as Fixture from "./support/GridFixture"

/**
 * The service on the embedded PostgreSQL database and artefact files: what it
 * published, the rosters and the jobs survive a restart; the lookup index is read back
 * from its stored bytes; a job running at shutdown is recorded as cancelled.
 */

const directory = mkdtempSync(join(tmpdir(), "grid-service-"))
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const stores = () =>
  Storage.layerSql({
    dataDir: join(directory, "db"),
    artifactDir: join(directory, "artifacts"),
    locality: "providence"
  }).pipe(Layer.provide(NodeServices.layer))

const query = "?idProperty=id&weightProperty=households&communityProperty=community"
/** Squares of 100 m, 10 households each; ward 3 west, ward 5 east. */
const lattice = (columns: number, rows: number) =>
  SyntheticUnits.lattice({ columns, rows, community: (column) => (column < columns / 2 ? "3" : "5") })

const centre = { lon: 0, lat: 0 }

describe("grid service across a restart", () => {
  it("keeps versions, rosters and jobs; serves lookups from the stored index; cancels the job running at shutdown", async () => {
    let jobId = ""
    let longJobId = ""
    let gridId = ""
    {
      const fixture = await Fixture.make(stores(), { poolSize: 1 })
      const planner = await fixture.token(["grid-planner"])
      const small = lattice(20, 10)
      const uploaded = await Fixture.post(fixture, `/v1/unit-sets${query}`, planner, small)
      assert.strictEqual(uploaded.status, 201, await uploaded.clone().text())
      const unitSetId = ((await uploaded.json()) as { readonly unitSetId: string }).unitSetId
      const job = await Fixture.post(fixture, "/v1/partition-jobs", planner, { unitSetId, min: 150, max: 250 })
      jobId = ((await job.json()) as { readonly jobId: string }).jobId
      const events = Fixture.parseSse(
        await (await Fixture.get(fixture, `/v1/partition-jobs/${jobId}/events`, planner)).text()
      )
      assert.strictEqual(events.at(-1)?.event, "done")
      assert.strictEqual((await Fixture.post(fixture, "/v1/grid-versions", planner, { jobId })).status, 201)

      const ring = small.features[0]!.geometry.coordinates[0]!
      centre.lon = (ring[0]![0] + ring[2]![0]) / 2
      centre.lat = (ring[0]![1] + ring[2]![1]) / 2
      const located = await Fixture.get(fixture, `/v1/locate?lon=${centre.lon}&lat=${centre.lat}`, planner)
      gridId = ((await located.json()) as { readonly gridId: string }).gridId
      const roster = await fixture.app.request(`/v1/grids/${gridId}/roster`, {
        method: "PUT",
        body: JSON.stringify({ members: [{ personId: "p-1", role: "leader" }], contacts: [] }),
        headers: { ...Fixture.bearer(planner), "content-type": "application/json" }
      })
      assert.strictEqual(roster.status, 200)

      // A long job, stopped by the shutdown once it runs.
      const big = await Fixture.post(fixture, `/v1/unit-sets${query}`, planner, lattice(80, 80))
      const bigId = ((await big.json()) as { readonly unitSetId: string }).unitSetId
      const long = await Fixture.post(fixture, "/v1/partition-jobs", planner, { unitSetId: bigId, min: 150, max: 250 })
      longJobId = ((await long.json()) as { readonly jobId: string }).jobId
      const stream = await Fixture.get(fixture, `/v1/partition-jobs/${longJobId}/events`, planner)
      const reader = stream.body!.getReader()
      let seen = ""
      while (!seen.includes('"status":"running"')) {
        const chunk = await reader.read()
        if (chunk.done) break
        seen += new TextDecoder().decode(chunk.value)
      }
      assert.include(seen, '"status":"running"')
      await reader.cancel()
      await fixture.app.dispose()
    }
    {
      const fixture = await Fixture.make(stores(), { poolSize: 1 })
      const viewer = await fixture.token(["grid-viewer"])
      const versions = (await (await Fixture.get(fixture, "/v1/grid-versions", viewer)).json()) as {
        readonly current: number
      }
      assert.strictEqual(versions.current, 1)
      const located = await Fixture.get(fixture, `/v1/locate?lon=${centre.lon}&lat=${centre.lat}`, viewer)
      assert.strictEqual(located.status, 200)
      const body = (await located.json()) as { readonly gridId: string; readonly staff: ReadonlyArray<object> }
      assert.strictEqual(body.gridId, gridId)
      assert.deepStrictEqual(body.staff, [{ role: "leader", count: 1 }])
      const done = (await (await Fixture.get(fixture, `/v1/partition-jobs/${jobId}`, viewer)).json()) as {
        readonly status: string
      }
      assert.strictEqual(done.status, "completed")
      const cancelled = (await (await Fixture.get(fixture, `/v1/partition-jobs/${longJobId}`, viewer)).json()) as {
        readonly status: string
        readonly failure?: { readonly code: string }
      }
      assert.strictEqual(cancelled.status, "failed")
      assert.strictEqual(cancelled.failure?.code, "cancelled")
      await fixture.app.dispose()
    }
  }, 120_000)
})
