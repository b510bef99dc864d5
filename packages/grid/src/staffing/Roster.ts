/**
 * Grid rosters: who serves which grid in which role. "One grid, several staff; one staff,
 * several roles": a row is one (grid, person, role) and a person may appear on many rows.
 *
 * Personal data is minimal: a roster holds **person ids and roles only** — no names, no
 * phone numbers. Names and private contacts live in the locality's privacy-classified staff
 * store. What a grid posts publicly (its worker line and supervision line) is a separate,
 * role-level field: {@link GridContact}, one phone per grid and contact kind, never tied to
 * a person id.
 *
 * ## File formats
 * **CSV** — header `grid_id,person_id,role`, one assignment per line (UTF-8; a field may be
 * double-quoted; blank lines are skipped):
 * ```csv
 * grid_id,person_id,role
 * G-0001,p-1042,leader
 * G-0001,p-2001,police-liaison
 * ```
 * **JSON** — an object with `entries` (same three fields), optional `contacts`
 * (`{ grid_id, kind: "worker" | "supervision", phone }`), optional `people` (the ids of every
 * known staff member, to catch rows naming someone unknown) and optional `as_of` (ISO 8601
 * with offset: when the roster was last confirmed, for the staleness check):
 * ```json
 * { "as_of": "2026-11-01T09:00:00+08:00",
 *   "entries": [{ "grid_id": "G-0001", "person_id": "p-1042", "role": "leader" }],
 *   "contacts": [{ "grid_id": "G-0001", "kind": "worker", "phone": "+1-401-555-0100" }],
 *   "people": ["p-1042", "p-2001"] }
 * ```
 * Person ids and roles are codes: letters, digits, `.`, `-`, `_`.
 * @module
 */
import { Ids, Instant, LocalityModelError, SchemaProblems } from "@gridwork/core"
import { Result, Schema, type SchemaIssue } from "effect"

/** A staff member's id in the locality's staff register (a code, never a name). */
export const PersonId = Ids.Code.pipe(Schema.brand("PersonId"))
/** @see {@link PersonId} */
export type PersonId = typeof PersonId.Type

/** Well-known roles. Localities may use other role codes as long as their policy lists them. */
export const Roles = {
  leader: "leader",
  member: "member",
  policeLiaison: "police-liaison",
  mediator: "mediator"
} as const

const GridIdField = Schema.String.check(Schema.isPattern(/\S/, { message: "grid_id must be a non-empty string" }))

/** One assignment: person `personId` serves grid `gridId` as `role`. */
export class RosterEntry extends Schema.Class<RosterEntry>("@gridwork/grid/RosterEntry")({
  gridId: GridIdField,
  personId: PersonId,
  role: Ids.RoleCode
}) {}

/** Kinds of public, role-level contact a grid posts. */
export const ContactKind = Schema.Literals(["worker", "supervision"])
/** @see {@link ContactKind} */
export type ContactKind = typeof ContactKind.Type

/** A public contact line of a grid (posted on the grid's board); not tied to a person. */
export class GridContact extends Schema.Class<GridContact>("@gridwork/grid/GridContact")({
  gridId: GridIdField,
  kind: ContactKind,
  phone: Schema.String.check(
    Schema.isPattern(/^\+?[0-9][0-9 ()-]{2,30}$/, {
      message: "a phone is digits with optional +, spaces, dashes or parentheses"
    })
  )
}) {}

/** A roster. */
export class Roster extends Schema.Class<Roster>("@gridwork/grid/Roster")({
  entries: Schema.Array(RosterEntry),
  contacts: Schema.Array(GridContact),
  /** Every known person id; when given, rows naming anyone else are reported. */
  people: Schema.optionalKey(Schema.Array(PersonId)),
  /** When the roster was last confirmed. */
  asOf: Schema.optionalKey(Instant.Instant)
}) {}

/** A roster file is malformed; `problems` name the line/field and the rule. */
export class RosterFileError extends Schema.TaggedError<RosterFileError>()("RosterFileError", {
  file: Schema.String,
  problems: Schema.Array(Schema.String)
}) {
  override get message(): string {
    return `${this.file}: ${this.problems.join("; ")}`
  }
}

const EntryRow = Schema.Struct({ grid_id: GridIdField, person_id: PersonId, role: Ids.RoleCode })
const ContactRow = Schema.Struct({ grid_id: GridIdField, kind: ContactKind, phone: GridContact.fields.phone })
const RosterJson = Schema.Struct({
  entries: Schema.Array(EntryRow),
  contacts: Schema.optionalKey(Schema.Array(ContactRow)),
  people: Schema.optionalKey(Schema.Array(PersonId)),
  as_of: Schema.optionalKey(Instant.InstantFromString)
})

/** Problems as `where: path: message`, e.g. `line 3: person_id: Expected ...`. */
const problemsOf = (issue: SchemaIssue.Issue, where = ""): Array<string> =>
  SchemaProblems.fromIssue(issue).map(
    (p) => `${where === "" ? "" : `${where}: `}${LocalityModelError.formatPath(p.path) || "roster"}: ${p.message}`
  )

/** Decodes the JSON form (already parsed). */
export const fromJson = (input: unknown, file = "<input>"): Result.Result<Roster, RosterFileError> => {
  const decoded = Schema.decodeUnknownResult(RosterJson)(input, { errors: "all", onExcessProperty: "error" })
  if (Result.isFailure(decoded))
    return Result.fail(new RosterFileError({ file, problems: problemsOf(decoded.failure.issue) }))
  const r = decoded.success
  return Result.succeed(
    new Roster({
      entries: r.entries.map((e) => new RosterEntry({ gridId: e.grid_id, personId: e.person_id, role: e.role })),
      contacts: (r.contacts ?? []).map((c) => new GridContact({ gridId: c.grid_id, kind: c.kind, phone: c.phone })),
      ...(r.people === undefined ? {} : { people: r.people }),
      ...(r.as_of === undefined ? {} : { asOf: r.as_of })
    })
  )
}

/** Splits one CSV line into fields (RFC 4180 quoting: `"a ""b"""` is `a "b"`). */
export const splitCsvLine = (line: string): Array<string> => {
  const fields: Array<string> = []
  let field = ""
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') quoted = false
      else field += ch
    } else if (ch === '"' && field === "") quoted = true
    else if (ch === ",") {
      fields.push(field)
      field = ""
    } else field += ch
  }
  fields.push(field)
  return fields
}

/** Decodes the CSV form `grid_id,person_id,role` (header required; columns in any order). */
export const fromCsv = (text: string, file = "<input>"): Result.Result<Roster, RosterFileError> => {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim())
  const column = (name: string): number => header.indexOf(name)
  const missing = ["grid_id", "person_id", "role"].filter((name) => column(name) < 0)
  if (missing.length > 0) {
    return Result.fail(
      new RosterFileError({
        file,
        problems: [`line 1: header must name the columns grid_id,person_id,role (missing ${missing.join(", ")})`]
      })
    )
  }
  const entries: Array<RosterEntry> = []
  const problems: Array<string> = []
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!
    if (line.trim() === "") continue
    const fields = splitCsvLine(line)
    const row = {
      grid_id: (fields[column("grid_id")] ?? "").trim(),
      person_id: (fields[column("person_id")] ?? "").trim(),
      role: (fields[column("role")] ?? "").trim()
    }
    const decoded = Schema.decodeUnknownResult(EntryRow)(row, { errors: "all" })
    if (Result.isFailure(decoded)) problems.push(...problemsOf(decoded.failure.issue, `line ${i + 1}`))
    else
      entries.push(
        new RosterEntry({ gridId: row.grid_id, personId: decoded.success.person_id, role: decoded.success.role })
      )
  }
  if (problems.length > 0) return Result.fail(new RosterFileError({ file, problems }))
  return Result.succeed(new Roster({ entries, contacts: [] }))
}

/** Decodes a roster file's text: JSON when it starts with `{`, CSV otherwise. */
export const parse = (text: string, file = "<input>"): Result.Result<Roster, RosterFileError> => {
  const trimmed = text.trimStart()
  if (!trimmed.startsWith("{")) return fromCsv(text, file)
  return Result.flatMap(
    Result.try({
      try: (): unknown => JSON.parse(trimmed),
      catch: (error) =>
        new RosterFileError({
          file,
          problems: [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]
        })
    }),
    (json) => fromJson(json, file)
  )
}

/** The entries of one grid. */
export const entriesOf = (roster: Roster, gridId: string): ReadonlyArray<RosterEntry> =>
  roster.entries.filter((entry) => entry.gridId === gridId)
