import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { makeTinyService } from "../examples/tiny-service"
import { DevIssuer } from "../src/index"

describe("the README's tiny service", () => {
  it("files a report within the caller's jurisdiction and filters the reporter by role", async () => {
    const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "http://localhost:8080", audience: "reports" }))
    const app = makeTinyService(issuer)
    const token = (roles: ReadonlyArray<string>, jurisdictions: ReadonlyArray<string>) =>
      Effect.runPromise(issuer.mint({ subject: `user-${roles.join("-")}`, roles, jurisdictions }))
    const resident = await token(["resident"], ["lanxi.dongshan"])
    const body = JSON.stringify({
      jurisdiction: "lanxi.dongshan.qiaotou",
      description: "Lamp 14 is out",
      reporter: { name: "Wang Fang", phone: "+86 138 0000 0000" }
    })
    const key = crypto.randomUUID()
    const headers = { "content-type": "application/json", "idempotency-key": key, authorization: `Bearer ${resident}` }
    const filed = await app.request("/reports", { method: "POST", body, headers })
    assert.strictEqual(filed.status, 201)
    const { id } = (await filed.json()) as { id: string }
    assert.strictEqual(filed.headers.get("location"), `/reports/${id}`)
    const replay = await app.request("/reports", { method: "POST", body, headers })
    assert.strictEqual(replay.headers.get("idempotent-replayed"), "true")

    const elsewhere = await token(["resident"], ["anji"])
    const outside = await app.request("/reports", {
      method: "POST",
      body,
      headers: { ...headers, "idempotency-key": crypto.randomUUID(), authorization: `Bearer ${elsewhere}` }
    })
    assert.strictEqual(outside.status, 403)

    const supervisor = await token(["supervisor"], ["lanxi"])
    const seen = (await (
      await app.request(`/reports/${id}`, { headers: { authorization: `Bearer ${supervisor}` } })
    ).json()) as { reporter?: { name?: string; phone?: string } }
    assert.deepStrictEqual(seen.reporter, { name: "Wang Fang" })
    const handler = await token(["handler"], ["lanxi"])
    const full = (await (
      await app.request(`/reports/${id}`, { headers: { authorization: `Bearer ${handler}` } })
    ).json()) as {
      reporter?: { phone?: string }
    }
    assert.strictEqual(full.reporter?.phone, "+86 138 0000 0000")
    assert.strictEqual((await app.request("/openapi.json")).status, 200)
    await app.dispose()
  })
})
