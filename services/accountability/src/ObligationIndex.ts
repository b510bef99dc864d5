/**
 * The obligation index: the read model behind `GET /v1/obligations` and the unit
 * reports. It keeps the current view of every obligation (filtered by matter, owning
 * unit and state) and, per unit, the matters it ever held or owed something on.
 *
 * The service writes it in the same transaction as the matter's events (an inline
 * projection), so a read right after a write sees it. Implementations: in memory
 * ({@link ObligationIndex.layerMemory}, tests and demos) and PostgreSQL
 * (`SqlObligationIndex`); both pass the same tests.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { ObligationIndex } from "@gridwork/service-accountability"
 *
 * const overdue = Effect.flatMap(ObligationIndex.ObligationIndex, (index) =>
 *   index.find({ unit: "lanxi.dongshan.zzzx", status: "overdue", limit: 50 })
 * )
 * ```
 * @module
 */
import { Context, Effect, Layer, Option, Schema } from "effect"
import type { ObligationView, Status } from "./ObligationView"

/** What to list; every given field must match. Ordered by obligation id (opening time). */
export interface Filter {
  readonly subject?: string | undefined
  /** The owning unit now. */
  readonly unit?: string | undefined
  readonly status?: Status | undefined
  /** Only obligations with an id after this one (the previous page's `next`). */
  readonly after?: string | undefined
  /** At most this many (1-1000). */
  readonly limit: number
}

/** The index could not be read or written. */
export class IndexFailure extends Schema.TaggedError<IndexFailure>()("IndexFailure", {
  operation: Schema.String,
  cause: Schema.Defect()
}) {
  override get message(): string {
    return `obligation index failed during ${this.operation}: ${String(this.cause)}`
  }
}

/** The operations of the index. */
export interface ObligationIndexShape {
  /** Records the current views of a matter's obligations and the units involved in it. */
  readonly record: (
    subject: string,
    views: ReadonlyArray<ObligationView>,
    units: ReadonlyArray<string>
  ) => Effect.Effect<void, IndexFailure>
  /** One obligation. */
  readonly get: (id: string) => Effect.Effect<Option.Option<ObligationView>, IndexFailure>
  /** Obligations matching the filter, by id. */
  readonly find: (filter: Filter) => Effect.Effect<ReadonlyArray<ObligationView>, IndexFailure>
  /** The matters a unit ever held or owed an obligation on, sorted. */
  readonly subjectsOf: (unit: string) => Effect.Effect<ReadonlyArray<string>, IndexFailure>
}

const matches = (view: ObligationView, filter: Filter): boolean =>
  (filter.subject === undefined || view.subject === filter.subject) &&
  (filter.unit === undefined || view.owner.unit === filter.unit) &&
  (filter.status === undefined || view.status === filter.status) &&
  (filter.after === undefined || view.id > filter.after)

/** A new, empty in-memory index. */
export const makeMemory: Effect.Effect<ObligationIndexShape> = Effect.sync(() => {
  const views = new Map<string, ObligationView>()
  const units = new Map<string, Set<string>>()
  return {
    record: (subject, list, involved) =>
      Effect.sync(() => {
        for (const view of list) views.set(view.id, view)
        for (const unit of involved) {
          const set = units.get(unit) ?? new Set<string>()
          set.add(subject)
          units.set(unit, set)
        }
      }),
    get: (id) => Effect.sync(() => Option.fromNullishOr(views.get(id))),
    find: (filter) =>
      Effect.sync(() =>
        [...views.values()]
          .filter((view) => matches(view, filter))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .slice(0, filter.limit)
      ),
    subjectsOf: (unit) => Effect.sync(() => [...(units.get(unit) ?? [])].sort())
  }
})

/** The obligation index service. */
export class ObligationIndex extends Context.Service<ObligationIndex, ObligationIndexShape>()(
  "@gridwork/service-accountability/ObligationIndex"
) {
  /** An empty in-memory index. */
  static readonly layerMemory: Layer.Layer<ObligationIndex> = Layer.effect(ObligationIndex, makeMemory)
}
