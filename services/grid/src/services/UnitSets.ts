/**
 * Uploaded unit sets: the GeoJSON is stored as it was received (content-addressed),
 * checked off the event loop (`UnitsReader` in a worker thread), its report stored
 * beside it, and the upload recorded as {@link GridEvents.UnitSetUploaded} in its own
 * stream. Bad units are listed in the report and left out; the rest are kept. A unit set
 * without a single usable unit is refused ({@link NoUsableUnits}).
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { UnitSets } from "@gridwork/service-grid"
 *
 * const program = Effect.gen(function* () {
 *   const unitSets = yield* UnitSets.UnitSets
 *   return yield* unitSets.get("0193a0c4-7a10-7cc3-9d35-5d8f1f0a1b2c")
 * })
 * ```
 * @module
 */
import { CommandHandler, EventStore, Ids, Instant } from "@gridwork/core"
import { CommandIds } from "@gridwork/service-kit"
import { Context, Effect, Layer, Option, Schema } from "effect"
import { type ComputeFailed, ComputePool } from "../compute/ComputePool"
import { type UnitFinding, ValidationReport } from "../compute/ComputeTask"
import { type ReadOptions, streams, type UnitSetUploaded, unitSetCodec } from "../domain/GridEvents"
import * as UnitSet from "../domain/UnitSet"
import { ArtifactStore } from "../storage/ArtifactStore"
import { guard, type StorageUnavailable } from "../storage/StorageUnavailable"
import * as StreamView from "../storage/StreamView"

/** Not one feature of the upload is a usable unit. */
export class NoUsableUnits extends Schema.TaggedError<NoUsableUnits>()("NoUsableUnits", {
  features: Schema.Int,
  findings: Schema.Array(Schema.Struct({ path: Schema.String, rule: Schema.String, message: Schema.String }))
}) {
  override get message(): string {
    return `none of the ${this.features} features is a usable unit`
  }
}

/** The upload cannot be read as units (it is not a FeatureCollection of polygons or points). */
export class UnitsUnreadable extends Schema.TaggedError<UnitsUnreadable>()("UnitsUnreadable", {
  reason: Schema.String
}) {
  override get message(): string {
    return this.reason
  }
}

/** An upload to record. */
export interface Upload {
  /** The request's command id; it becomes the unit set id. */
  readonly commandId: Ids.CommandId
  readonly name: string | undefined
  /** The decoded GeoJSON FeatureCollection. */
  readonly document: unknown
  readonly options: ReadOptions
  /** Who uploads (token subject). */
  readonly by: string
}

/** A recorded unit set and its report. */
export interface Recorded {
  readonly unitSet: UnitSetUploaded
  readonly report: ValidationReport
}

/** The unit sets. */
export interface UnitSetsShape {
  /** Stores, checks and records an upload (a retry with the same command id returns the first record). */
  readonly upload: (
    upload: Upload
  ) => Effect.Effect<Recorded, StorageUnavailable | NoUsableUnits | UnitsUnreadable | UnitSet.UnitSetExists>
  /** The record of a unit set. */
  readonly get: (unitSetId: string) => Effect.Effect<Option.Option<UnitSetUploaded>, StorageUnavailable>
  /** The validation report of a unit set. */
  readonly report: (unitSet: UnitSetUploaded) => Effect.Effect<ValidationReport, StorageUnavailable>
  /** The stored GeoJSON of a unit set. */
  readonly document: (unitSet: UnitSetUploaded) => Effect.Effect<Uint8Array, StorageUnavailable>
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const decodeReport = Schema.decodeUnknownEffect(Schema.fromJsonString(ValidationReport))

const MAX_REFUSAL_FINDINGS = 100

const handle = CommandHandler.make({
  decider: UnitSet.decider,
  codec: unitSetCodec,
  streamId: (command: UnitSet.RecordUpload) => streams.unitSet(command.unitSetId),
  commandId: (command) => command.unitSetId,
  envelope: (command, _event, index) => ({
    eventId: CommandIds.eventIdFor(Ids.CommandId.make(command.unitSetId), index),
    occurredAt: command.at,
    metadata: { actor: command.by }
  })
})

const refusalOf = (features: number, findings: ReadonlyArray<UnitFinding>) =>
  new NoUsableUnits({
    features,
    findings: findings
      .filter((f) => f.severity === "error")
      .slice(0, MAX_REFUSAL_FINDINGS)
      .map((f) => ({ path: f.path, rule: f.code, message: f.message }))
  })

/** The unit-sets service. */
export class UnitSets extends Context.Service<UnitSets, UnitSetsShape>()("@gridwork/service-grid/services/UnitSets") {
  /** Needs the event store, the artefact store and the compute pool. */
  static readonly layer = Layer.effect(
    UnitSets,
    Effect.gen(function* () {
      const artifacts = yield* ArtifactStore
      const pool = yield* ComputePool
      const store = yield* EventStore.EventStore

      const get = (unitSetId: string) =>
        StreamView.read(streams.unitSet(unitSetId), UnitSet.decider, unitSetCodec).pipe(
          Effect.map((snapshot) => snapshot.state),
          Effect.provideService(EventStore.EventStore, store)
        )

      const report = (unitSet: UnitSetUploaded) =>
        artifacts.get(unitSet.reportHash).pipe(
          Effect.flatMap((bytes) => decodeReport(decoder.decode(bytes))),
          guard("read a unit set report")
        )

      const document = (unitSet: UnitSetUploaded) => artifacts.get(unitSet.documentHash).pipe(guard("read a unit set"))

      const upload = (input: Upload) =>
        Effect.gen(function* () {
          const existing = yield* get(input.commandId)
          if (Option.isSome(existing)) return { unitSet: existing.value, report: yield* report(existing.value) }
          const bytes = encoder.encode(JSON.stringify(input.document))
          const checked = yield* pool
            .run({ _tag: "Validate", document: bytes, options: input.options })
            .pipe(
              Effect.catchTag("ComputeFailed", (failure: ComputeFailed) =>
                failure.code === "invalid-input"
                  ? Effect.fail(new UnitsUnreadable({ reason: failure.message }))
                  : Effect.die(failure)
              )
            )
          if (checked.counts.units === 0) return yield* refusalOf(checked.counts.features, checked.findings)
          const documentHash = yield* artifacts.put(bytes).pipe(guard("store a unit set"))
          const reportHash = yield* artifacts
            .put(encoder.encode(JSON.stringify(Schema.encodeSync(ValidationReport)(checked))))
            .pipe(guard("store a unit set report"))
          const handled = yield* handle({
            _tag: "RecordUpload",
            unitSetId: input.commandId,
            name: input.name,
            documentHash,
            reportHash,
            options: input.options,
            counts: checked.counts,
            at: yield* Instant.now,
            by: input.by
          }).pipe(guard("record a unit set", ["UnitSetExists"]), Effect.provideService(EventStore.EventStore, store))
          const recorded = Option.getOrThrow(handled.state)
          return { unitSet: recorded, report: checked }
        })

      return UnitSets.of({ upload, get, report, document })
    })
  )
}
