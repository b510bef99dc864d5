/**
 * A tiny Gridwork service built with the kit: residents' street-light reports.
 *
 * Run it:   node --conditions=@gridwork/source --import tsx examples/tiny-service.ts
 * It prints a development token and curl commands to try; Ctrl-C shuts it down
 * gracefully. The same app is exercised by test/TinyService.test.ts.
 */
import { pathToFileURL } from "node:url"
import { Jurisdiction, JurisdictionTree } from "@gridwork/core"
import {
  Authorization,
  DevIssuer,
  FieldFilter,
  IdempotencyStore,
  PersonalDataAccessLog,
  RequestContext,
  Route,
  Serve,
  ServiceApp
} from "@gridwork/service-kit"
import { Context, Effect, Layer, Ref, Result, Schema } from "effect"

// --- the domain: Schemas at the boundary, a typed error, a repository port -------------

class Report extends Schema.Class<Report>("Report")({
  id: Schema.String,
  jurisdiction: Schema.String,
  description: Schema.String,
  reporter: Schema.Struct({ name: Schema.String, phone: Schema.String })
}) {}

const NewReport = Schema.Struct({
  jurisdiction: Schema.String.check(Schema.isMinLength(1)),
  description: Schema.String.check(Schema.isMinLength(5), Schema.isMaxLength(500)),
  reporter: Schema.Struct({
    name: Schema.String.check(Schema.isMinLength(1)),
    phone: Schema.String.check(Schema.isPattern(/^\+?[0-9 -]{5,20}$/, { expected: "a phone number" }))
  })
}).annotate({ identifier: "NewReport" })

const ReportView = Schema.Struct({
  id: Schema.String,
  jurisdiction: Schema.String,
  description: Schema.String,
  reporter: Schema.optional(
    Schema.Struct({ name: Schema.optional(Schema.String), phone: Schema.optional(Schema.String) })
  )
}).annotate({ identifier: "ReportView" })

class ReportNotFound extends Schema.TaggedError<ReportNotFound>()("ReportNotFound", { id: Schema.String }) {}

class Reports extends Context.Service<
  Reports,
  {
    readonly save: (report: Report) => Effect.Effect<void>
    readonly find: (id: string) => Effect.Effect<Report, ReportNotFound>
  }
>()("example/Reports") {
  static readonly layerMemory = Layer.effect(
    Reports,
    Effect.map(Ref.make(new Map<string, Report>()), (store) =>
      Reports.of({
        save: (report) => Ref.update(store, (map) => new Map(map).set(report.id, report)),
        find: (id) =>
          Effect.flatMap(Ref.get(store), (map) => {
            const report = map.get(id)
            return report === undefined ? Effect.fail(new ReportNotFound({ id })) : Effect.succeed(report)
          })
      })
    )
  )
}

// --- the locality: jurisdictions and who may see whose phone number ---------------------

const tree = Result.getOrThrow(
  JurisdictionTree.make({
    tiers: ["village", "township", "county"],
    jurisdictions: Schema.decodeUnknownSync(Schema.Array(Jurisdiction.Jurisdiction))([
      { code: "lanxi", name: "Lanxi County", level: "county" },
      { code: "lanxi.dongshan", name: "Dongshan Town", level: "township", parent: "lanxi" },
      { code: "lanxi.dongshan.qiaotou", name: "Qiaotou Village", level: "village", parent: "lanxi.dongshan" }
    ])
  })
)

const reporterFields = FieldFilter.make({
  resource: "street-light-report",
  fields: { "reporter.name": "personal", "reporter.phone": "contact" },
  access: { personal: ["handler", "supervisor"], contact: ["handler"] },
  personal: ["personal", "contact"],
  subjectOf: (report: Report) => `reporter-of-${report.id}`
})

// --- the operations ------------------------------------------------------------------------

const fileReport = Route.post("/reports", {
  operationId: "fileReport",
  summary: "Files a street-light report in a jurisdiction",
  tags: ["reports"],
  permission: "reports.file",
  body: NewReport,
  success: Report,
  status: 201,
  jurisdiction: ({ body }) => body.jurisdiction,
  responseHeaders: (report) => ({ location: `/reports/${report.id}` }),
  handler: ({ body }) =>
    Effect.gen(function* () {
      const id = yield* RequestContext.commandId // = the Idempotency-Key (UUIDv7)
      const report = new Report({ id, ...body })
      yield* Reports.use((reports) => reports.save(report))
      return report
    })
})

const readReport = Route.get("/reports/:id", {
  operationId: "readReport",
  summary: "Reads a report; the reporter's details depend on the caller's role",
  tags: ["reports"],
  permission: "reports.read",
  params: Schema.Struct({ id: Schema.String.check(Schema.isUUID(7)) }),
  success: ReportView,
  errors: {
    ReportNotFound: {
      status: 404,
      title: "Report not found",
      detail: (error: ReportNotFound) => `No report ${error.id}`
    }
  },
  handler: ({ params }) =>
    Effect.gen(function* () {
      const report = yield* Reports.use((reports) => reports.find(params.id))
      yield* Authorization.requireJurisdiction(report.jurisdiction)
      return yield* reporterFields.apply(report, "report-handling")
    })
})

// --- the service -----------------------------------------------------------------------------

/** The app, trusting `issuer`'s tokens. */
export const makeTinyService = (issuer: DevIssuer.DevIssuer) =>
  ServiceApp.make({
    info: { title: "Street-light reports", version: "1.0.0" },
    layer: Layer.mergeAll(Reports.layerMemory, PersonalDataAccessLog.PersonalDataAccessLog.layerMemory),
    idempotencyStore: IdempotencyStore.IdempotencyStore.layerMemory,
    routes: [fileReport, readReport],
    authentication: issuer.verifierOptions,
    authorization: {
      roles: { resident: ["reports.file"], handler: ["reports.*"], supervisor: ["reports.read"] },
      isWithin: (jurisdiction, scope) => tree.isWithin(jurisdiction, scope)
    }
  })

const main = async () => {
  const issuer = await Effect.runPromise(DevIssuer.make({ issuer: "http://localhost:8080", audience: "reports" }))
  const app = makeTinyService(issuer)
  const server = await Serve.serve(app, { port: 8080, signals: ["SIGINT", "SIGTERM"] })
  const token = await Effect.runPromise(
    issuer.mint({ subject: "0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c", roles: ["handler"], jurisdictions: ["lanxi"] })
  )
  process.stderr.write(
    [
      `listening on ${server.url} (docs: ${server.url}/docs)`,
      `TOKEN=${token}`,
      `curl -i -X POST ${server.url}/reports -H "authorization: Bearer $TOKEN" -H "content-type: application/json" \\`,
      `  -H "idempotency-key: $(node -e 'console.log(crypto.randomUUID())')" \\`,
      `  -d '{"jurisdiction":"lanxi.dongshan.qiaotou","description":"Lamp 14 is out","reporter":{"name":"Wang Fang","phone":"+86 138 0000 0000"}}'`,
      ""
    ].join("\n")
  )
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main()
