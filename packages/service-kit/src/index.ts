/**
 * `@gridwork/service-kit`: the shared Hono pieces every Gridwork service is assembled
 * from: an app factory running Effect handlers on a `ManagedRuntime`, Schema-checked
 * routes, problem+json errors, request ids, JSON-lines logs without personal data,
 * `Idempotency-Key` handling, JWT authentication, permission and jurisdiction checks,
 * field-level privacy with an access log, health endpoints, OpenAPI 3.1 and graceful
 * shutdown.
 * @packageDocumentation
 */

export * as LocalityService from "./app/LocalityService"
export * as Serve from "./app/Serve"
export * as ServiceApp from "./app/ServiceApp"
export * as ServiceConfig from "./app/ServiceConfig"
export * as ServiceMain from "./app/ServiceMain"
export * as Authentication from "./auth/Authentication"
export * as Authorization from "./auth/Authorization"
export * as DevIssuer from "./auth/DevIssuer"
export * as JwtVerifier from "./auth/JwtVerifier"
export * as Principal from "./auth/Principal"
export * as CommandIds from "./context/CommandIds"
export * as RequestContext from "./context/RequestContext"
export * as Health from "./health/Health"
export * as AccessLog from "./http/AccessLog"
export * as BodyLimit from "./http/BodyLimit"
export * as Draining from "./http/Draining"
export * as KitEnv from "./http/KitEnv"
export * as RequestId from "./http/RequestId"
export * as Respond from "./http/Respond"
export * as Route from "./http/Route"
export * as Idempotency from "./idempotency/Idempotency"
export * as IdempotencyKey from "./idempotency/IdempotencyKey"
export * as IdempotencyStore from "./idempotency/IdempotencyStore"
export * as SqlIdempotencyStore from "./idempotency/SqlIdempotencyStore"
export * as JsonLogger from "./log/JsonLogger"
export * as Redact from "./log/Redact"
export * as DocsPage from "./openapi/DocsPage"
export * as OpenApi from "./openapi/OpenApi"
export * as FieldFilter from "./privacy/FieldFilter"
export * as PersonalDataAccessLog from "./privacy/PersonalDataAccessLog"
export * as HttpProblem from "./problem/HttpProblem"
export * as IssueErrors from "./problem/IssueErrors"
export * as OptionsError from "./problem/OptionsError"
export * as Problem from "./problem/Problem"
