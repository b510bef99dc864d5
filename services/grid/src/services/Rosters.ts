/**
 * Grid rosters: read (caught up with the `grid-roster:<locality>` stream) and replaced
 * one grid at a time through the {@link GridRoster} decider, against the grid version
 * in force. {@link GridEvents.GridRosterReplaced} is published on the bus so other
 * services (petition routing) learn who serves a grid.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Rosters } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const rosters = yield* Rosters.Rosters
 *   const { state } = yield* rosters.view
 *   return state.grids.get("3-1")
 * })
 * ```
 * @module
 */
import { CommandHandler, EventStore, Ids, Instant } from "@gridwork/core"
import { CommandIds } from "@gridwork/service-kit"
import { Context, Effect, Layer } from "effect"
import { Locality } from "../config/Locality"
import { type PublicContact, type RosterMember, rosterCodec, streams } from "../domain/GridEvents"
import * as GridRoster from "../domain/GridRoster"
import { guard, type StorageUnavailable } from "../storage/StorageUnavailable"
import * as StreamView from "../storage/StreamView"
import { GridVersions } from "./GridVersions"

/** A roster change. */
export interface Replacement {
  readonly gridId: string
  readonly members: ReadonlyArray<RosterMember>
  readonly contacts: ReadonlyArray<PublicContact>
  readonly by: string
}

/** The rosters. */
export interface RostersShape {
  /** Every grid's roster, caught up with the stream. */
  readonly view: Effect.Effect<StreamView.Snapshot<GridRoster.State>, StorageUnavailable>
  /** Replaces a grid's roster; returns it as stored (unchanged when it was the same). */
  readonly replace: (
    replacement: Replacement
  ) => Effect.Effect<GridRoster.GridRosterRecord, StorageUnavailable | GridRoster.RosterError>
}

type Command = GridRoster.ReplaceGridRoster & { readonly commandId: Ids.CommandId }

/** The rosters service. */
export class Rosters extends Context.Service<Rosters, RostersShape>()("@gridwork/service-grid/services/Rosters") {
  /** Needs the event store, the locality and the grid versions. */
  static readonly layer = Layer.effect(
    Rosters,
    Effect.gen(function* () {
      const store = yield* EventStore.EventStore
      const locality = yield* Locality
      const versions = yield* GridVersions
      const streamId = streams.roster(locality.id)
      const view = yield* StreamView.make(streamId, GridRoster.decider, rosterCodec)
      const handle = CommandHandler.make({
        decider: GridRoster.decider,
        codec: rosterCodec,
        streamId: () => streamId,
        commandId: (command: Command) => command.commandId,
        envelope: (command, _event, index) => ({
          eventId: CommandIds.eventIdFor(command.commandId, index),
          occurredAt: command.at,
          metadata: { actor: command.by, locality: locality.id }
        })
      })
      const replace = (replacement: Replacement) =>
        Effect.gen(function* () {
          const { state } = yield* versions.registry
          const handled = yield* handle({
            _tag: "ReplaceGridRoster",
            commandId: yield* Ids.makeCommandId,
            gridId: replacement.gridId,
            members: replacement.members,
            contacts: replacement.contacts,
            version: state.current,
            currentGridIds: state.currentIds,
            at: yield* Instant.now,
            by: replacement.by
          }).pipe(
            guard("replace a roster", ["UnknownGrid", "DuplicateMember", "DuplicateContact"]),
            Effect.provideService(EventStore.EventStore, store)
          )
          const stored = handled.state.grids.get(replacement.gridId)
          if (stored === undefined) return yield* Effect.die(new Error("the roster was not stored"))
          return stored
        })
      return Rosters.of({ view: view.get, replace })
    })
  )
}
