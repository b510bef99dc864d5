/**
 * An uploaded unit set, a pure decider over its `unit-set:<id>` stream: it is recorded
 * once ({@link UnitSetUploaded}) and never changes; the id is the upload's command id,
 * so a retried upload finds it recorded.
 *
 * @example
 * ```ts
 * import { Decider } from "@gridwork/core"
 * import { UnitSet } from "@gridwork/service-grid"
 *
 * const state = Decider.fold(UnitSet.decider, history) // Option of the upload
 * ```
 * @module
 */
import { Decider, type Instant } from "@gridwork/core"
import { Option, Result, Schema } from "effect"
import { type ReadOptions, type Sha256, type UnitSetCounts, UnitSetUploaded } from "./GridEvents"

/** The upload, once recorded. */
export type State = Option.Option<UnitSetUploaded>

/** Record an upload. */
export interface RecordUpload {
  readonly _tag: "RecordUpload"
  readonly unitSetId: string
  readonly name: string | undefined
  readonly documentHash: Sha256
  readonly reportHash: Sha256
  readonly options: ReadOptions
  readonly counts: UnitSetCounts
  readonly at: Instant.Instant
  readonly by: string
}

/** The unit set exists already (another upload took its id). */
export class UnitSetExists extends Schema.TaggedError<UnitSetExists>()("UnitSetExists", {
  unitSetId: Schema.String
}) {
  override get message(): string {
    return `unit set ${this.unitSetId} exists already`
  }
}

/** The unit-set decider. */
export const decider = Decider.make<RecordUpload, UnitSetUploaded, State, UnitSetExists>({
  initialState: Option.none(),
  decide: (command, state) =>
    Option.isSome(state)
      ? Result.fail(new UnitSetExists({ unitSetId: command.unitSetId }))
      : Result.succeed([
          new UnitSetUploaded({
            unitSetId: command.unitSetId,
            ...(command.name === undefined ? {} : { name: command.name }),
            documentHash: command.documentHash,
            reportHash: command.reportHash,
            options: command.options,
            counts: command.counts,
            uploadedAt: command.at,
            uploadedBy: command.by
          })
        ]),
  evolve: (_state, event) => Option.some(event)
})
