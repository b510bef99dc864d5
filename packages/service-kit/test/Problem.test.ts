import { assert, describe, it } from "@effect/vitest"
import { Result, Schema } from "effect"
import { HttpProblem, IssueErrors, OptionsError, Problem } from "../src/index"

describe("Problem", () => {
  it("serializes as application/problem+json with its status, never cached", async () => {
    const response = Problem.toResponse(
      { type: Problem.ProblemType.notFound, title: "Not Found", status: 404, detail: "nothing here" },
      { headers: { "retry-after": "1" }, extensions: { checks: [] } }
    )
    assert.strictEqual(response.status, 404)
    assert.strictEqual(response.headers.get("content-type"), Problem.CONTENT_TYPE)
    assert.strictEqual(response.headers.get("cache-control"), "no-store")
    assert.strictEqual(response.headers.get("retry-after"), "1")
    assert.deepStrictEqual(await response.json(), {
      checks: [],
      type: "urn:gridwork:problem:not-found",
      title: "Not Found",
      status: 404,
      detail: "nothing here"
    })
  })

  it("fills instance and requestId from the request id", () => {
    const problem = HttpProblem.HttpProblem.forbidden("no").toProblem("0193A0C4-7A10-7CC3-9D35-5D8F1F0A1B2C")
    assert.strictEqual(problem.instance, "urn:uuid:0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c")
    assert.strictEqual(problem.requestId, "0193A0C4-7A10-7CC3-9D35-5D8F1F0A1B2C")
    assert.strictEqual(Problem.instanceOf("proxy-123456"), "urn:gridwork:request:proxy-123456")
    assert.isTrue(Schema.is(Problem.Problem)(problem))
    assert.strictEqual(Problem.reasonPhrase(422), "Unprocessable Content")
  })
})

describe("IssueErrors", () => {
  it("turns every failed rule into { in, path, rule, message } with JSON Pointers", () => {
    const schema = Schema.Struct({
      "a/b": Schema.String,
      "~x": Schema.Struct({ items: Schema.Array(Schema.Int) })
    })
    const result = Schema.decodeUnknownResult(schema)({ "~x": { items: [1, 1.5] } }, { errors: "all" })
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result)) {
      assert.deepStrictEqual(
        IssueErrors.fromIssue(result.failure.issue, "body").map((error) => [error.in, error.path, error.rule]),
        [
          ["body", "/a~1b", "schema.required"],
          ["body", "/~0x/items/1", "schema.int"]
        ]
      )
      assert.strictEqual(IssueErrors.fromIssue(result.failure.issue, "query", 1).length, 1)
    }
  })

  it("formats invalid options with the path and the rule", () => {
    assert.throws(
      () => OptionsError.decodeOptions(Schema.Struct({ port: Schema.Int }), "serve options", { port: 1.5, extra: 1 }),
      /invalid serve options:\n {2}\/extra: unknown field "extra".*\(schema\.unknown-key\)\n {2}\/port: .*\(schema\.int\)/
    )
  })
})
