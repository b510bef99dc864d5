/**
 * The rosters of a locality's grids, a pure decider over the `grid-roster:<locality>`
 * stream: "one grid, several staff; one staff, several roles". Each grid's roster
 * (person ids and roles, plus the grid's public, role-level contact lines) is replaced
 * as a whole ({@link ReplaceGridRoster}).
 *
 * A roster can only be set for a grid of the version in force ({@link UnknownGrid});
 * the same person in the same role twice is refused ({@link DuplicateMember}), as is a
 * second line of the same contact kind ({@link DuplicateContact}); replacing a roster
 * with what it already is changes nothing (no event).
 *
 * {@link toRoster} turns the state into `@gridwork/grid`'s `Roster` for the staffing
 * check, the audit and the lookup.
 *
 * @example
 * ```ts
 * import { Decider } from "@gridwork/core"
 * import { GridRoster } from "@gridwork/service-grid"
 *
 * const state = Decider.fold(GridRoster.decider, history)
 * GridRoster.toRoster(state).entries.length
 * ```
 * @module
 */
import { Decider, Ids, Instant } from "@gridwork/core"
import { Roster } from "@gridwork/grid"
import { Result, Schema } from "effect"
import { GridRosterReplaced, type PublicContact, type RosterEvent, type RosterMember } from "./GridEvents"

/** One grid's roster. */
export interface GridRosterRecord {
  readonly gridId: string
  readonly members: ReadonlyArray<RosterMember>
  readonly contacts: ReadonlyArray<PublicContact>
  readonly changedAt: Instant.Instant
  readonly changedBy: string
}

/** Every grid's roster, and when the last change was made. */
export interface State {
  readonly grids: ReadonlyMap<string, GridRosterRecord>
  readonly lastChangedAt: Instant.Instant | undefined
}

/** No roster yet. */
export const initialState: State = { grids: new Map(), lastChangedAt: undefined }

/** Replace a grid's roster. */
export interface ReplaceGridRoster {
  readonly _tag: "ReplaceGridRoster"
  readonly gridId: string
  readonly members: ReadonlyArray<RosterMember>
  readonly contacts: ReadonlyArray<PublicContact>
  /** The version in force and its grid ids (facts the shell read). */
  readonly version: number
  readonly currentGridIds: ReadonlySet<string>
  readonly at: Instant.Instant
  readonly by: string
}

/** The grid is not in the version in force. */
export class UnknownGrid extends Schema.TaggedError<UnknownGrid>()("UnknownGrid", {
  gridId: Schema.String,
  version: Schema.Int
}) {
  override get message(): string {
    return this.version === 0
      ? `no grid version is published yet, so grid ${this.gridId} has no roster`
      : `grid ${this.gridId} is not in version ${this.version}`
  }
}

/** The same person is listed twice in the same role. */
export class DuplicateMember extends Schema.TaggedError<DuplicateMember>()("DuplicateMember", {
  index: Schema.Int,
  first: Schema.Int
}) {
  override get message(): string {
    return `members[${this.index}] repeats members[${this.first}] (same person and role)`
  }
}

/** Two contact lines of the same kind. */
export class DuplicateContact extends Schema.TaggedError<DuplicateContact>()("DuplicateContact", {
  index: Schema.Int,
  first: Schema.Int
}) {
  override get message(): string {
    return `contacts[${this.index}] is a second line of the kind of contacts[${this.first}]; a grid posts one line per kind`
  }
}

/** Why a roster change is refused. */
export type RosterError = UnknownGrid | DuplicateMember | DuplicateContact

const sameMembers = (a: ReadonlyArray<RosterMember>, b: ReadonlyArray<RosterMember>) =>
  a.length === b.length && a.every((m, i) => m.personId === b[i]!.personId && m.role === b[i]!.role)

const sameContacts = (a: ReadonlyArray<PublicContact>, b: ReadonlyArray<PublicContact>) =>
  a.length === b.length && a.every((c, i) => c.kind === b[i]!.kind && c.phone === b[i]!.phone)

const decide = (command: ReplaceGridRoster, state: State): Result.Result<ReadonlyArray<RosterEvent>, RosterError> => {
  if (!command.currentGridIds.has(command.gridId)) {
    return Result.fail(new UnknownGrid({ gridId: command.gridId, version: command.version }))
  }
  const seen = new Map<string, number>()
  for (let i = 0; i < command.members.length; i++) {
    const key = `${command.members[i]!.personId}\u0000${command.members[i]!.role}`
    const first = seen.get(key)
    if (first !== undefined) return Result.fail(new DuplicateMember({ index: i, first }))
    seen.set(key, i)
  }
  const kinds = new Map<string, number>()
  for (let i = 0; i < command.contacts.length; i++) {
    const first = kinds.get(command.contacts[i]!.kind)
    if (first !== undefined) return Result.fail(new DuplicateContact({ index: i, first }))
    kinds.set(command.contacts[i]!.kind, i)
  }
  const existing = state.grids.get(command.gridId)
  if (
    existing !== undefined &&
    sameMembers(existing.members, command.members) &&
    sameContacts(existing.contacts, command.contacts)
  ) {
    return Result.succeed([])
  }
  return Result.succeed([
    new GridRosterReplaced({
      gridId: command.gridId,
      version: command.version,
      members: command.members,
      contacts: command.contacts,
      changedAt: command.at,
      changedBy: command.by
    })
  ])
}

const evolve = (state: State, event: RosterEvent): State => {
  const grids = new Map(state.grids)
  grids.set(event.gridId, {
    gridId: event.gridId,
    members: event.members,
    contacts: event.contacts,
    changedAt: event.changedAt,
    changedBy: event.changedBy
  })
  return { grids, lastChangedAt: event.changedAt }
}

/** The roster decider. */
export const decider = Decider.make<ReplaceGridRoster, RosterEvent, State, RosterError>({
  initialState,
  decide,
  evolve
})

/**
 * The state as a `@gridwork/grid` roster (grids in id order), restricted to `gridIds`
 * when given (rosters of retired grids are kept in the stream but left out here).
 */
export const toRoster = (state: State, gridIds?: ReadonlySet<string>): Roster.Roster => {
  const records = [...state.grids.values()]
    .filter((r) => gridIds === undefined || gridIds.has(r.gridId))
    .sort((a, b) => (a.gridId < b.gridId ? -1 : a.gridId > b.gridId ? 1 : 0))
  return new Roster.Roster({
    entries: records.flatMap((r) =>
      r.members.map(
        (m) =>
          new Roster.RosterEntry({
            gridId: r.gridId,
            personId: Roster.PersonId.make(m.personId),
            role: Ids.RoleCode.make(m.role)
          })
      )
    ),
    contacts: records.flatMap((r) =>
      r.contacts.map((c) => new Roster.GridContact({ gridId: r.gridId, kind: c.kind, phone: c.phone }))
    ),
    ...(state.lastChangedAt === undefined ? {} : { asOf: Instant.fromMillis(state.lastChangedAt) })
  })
}
