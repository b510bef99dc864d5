/**
 * Turning Schema issues into a field path and a reason, for the request errors of the
 * event store and bus ports.
 * @internal
 */
import { Result, type Schema, SchemaIssue, SchemaParser } from "effect"

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1()

/** Appends a path to a prefix: `events` + `[0, "data"]` → `events[0].data`. */
export const joinPath = (prefix: string, path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>): string =>
  path.reduce<string>((text, segment) => {
    const key = typeof segment === "object" ? segment.key : segment
    return typeof key === "number" ? `${text}[${key}]` : text === "" ? String(key) : `${text}.${String(key)}`
  }, prefix)

/** A reason under its path, as request errors print it: `events[0].data: …`, or the reason alone at the root. */
export const atPath = (path: string, reason: string): string => (path === "" ? reason : `${path}: ${reason}`)

/** The first problem of an issue: where (under `prefix`) and why. */
export const firstProblem = (
  prefix: string,
  issue: SchemaIssue.Issue
): { readonly path: string; readonly reason: string } => {
  const first = formatIssues(issue).issues[0]
  return { path: joinPath(prefix, first?.path ?? []), reason: first?.message ?? "invalid value" }
}

/** A decoder reporting the first problem's path and reason instead of an issue tree. */
export const decoder =
  <S extends Schema.ConstraintDecoder<unknown>>(schema: S) =>
  (prefix: string, input: unknown): Result.Result<S["Type"], { readonly path: string; readonly reason: string }> =>
    Result.mapError(SchemaParser.decodeUnknownResult(schema)(input), (issue) => firstProblem(prefix, issue))
