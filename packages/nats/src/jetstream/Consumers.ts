/**
 * Ensuring a durable pull consumer exists with the wanted settings: created on first
 * use (with its stream), updated when its ack wait, delivery limit, backoff or
 * pending-ack limit changed, refused when it filters another subject.
 *
 * Every Gridwork consumer acknowledges explicitly (`ack_policy: explicit`): a message
 * is redelivered after `ack_wait` (or the `backoff` steps) until it is acknowledged or
 * terminated, at most `max_deliver` times.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Consumers, NatsClient, StreamLayout } from "@gridwork/nats"
 *
 * const program = Effect.gen(function* () {
 *   const client = yield* NatsClient.NatsClient
 *   const placement = StreamLayout.forModule(client.layout, { locality: "lanxi", module: "petition" })
 *   return yield* Consumers.ensure(client, placement, {
 *     durable: "risk-petition",
 *     filterSubject: "gw.lanxi.petition.>",
 *     deliver: "all",
 *     ackWaitMillis: 30_000,
 *     maxDeliver: 6,
 *     backoffMillis: [1_000, 5_000, 30_000]
 *   })
 * })
 * ```
 * @module
 */
import {
  AckPolicy,
  type Consumer,
  type ConsumerConfig,
  type ConsumerInfo,
  DeliverPolicy,
  JetStreamApiError
} from "@nats-io/jetstream"
import { Effect, Schema } from "effect"
import type { NatsClientShape } from "./NatsClient"
import { type NatsUnavailable, wrap } from "./NatsUnavailable"
import type { StreamPlacement } from "./StreamLayout"
import type { StreamConflict } from "./Streams"

/** The settings of a durable pull consumer. */
export interface DurableSettings {
  /** The durable name (letters, digits, `_`, `-`). */
  readonly durable: string
  /** The subject pattern it receives; fixed once created. */
  readonly filterSubject: string
  /** On creation: every retained message (`all`) or only later ones (`new`). */
  readonly deliver: "all" | "new"
  /** How long a delivery may stay unacknowledged before it is redelivered (ignored when `backoffMillis` is set). */
  readonly ackWaitMillis: number
  /** Most deliveries of one message; -1 for no limit. */
  readonly maxDeliver: number
  /** Redelivery delays after unacknowledged deliveries 1, 2, ... (JetStream `backoff`; needs `maxDeliver` > its length). */
  readonly backoffMillis?: ReadonlyArray<number> | undefined
  /** Most unacknowledged deliveries at a time across all subscribers (default 1000). */
  readonly maxAckPending?: number | undefined
}

/** A durable already exists in the stream with another filter subject. */
export class ConsumerConflict extends Schema.TaggedError<ConsumerConflict>()("ConsumerConflict", {
  stream: Schema.String,
  durable: Schema.String,
  existingSubject: Schema.String,
  requestedSubject: Schema.String
}) {
  /** Names the durable and both subjects. */
  override get message(): string {
    return `durable ${this.durable} of stream ${this.stream} already receives ${this.existingSubject}, not ${this.requestedSubject}`
  }
}

const CONSUMER_NOT_FOUND = 10014
const STREAM_NOT_FOUND = 10059
const nanos = (millis: number): number => Math.round(millis) * 1_000_000

/** The JetStream configuration of a durable. */
export const consumerConfig = (settings: DurableSettings): Partial<ConsumerConfig> => ({
  durable_name: settings.durable,
  ack_policy: AckPolicy.Explicit,
  deliver_policy: settings.deliver === "new" ? DeliverPolicy.New : DeliverPolicy.All,
  filter_subject: settings.filterSubject,
  ack_wait: nanos(settings.ackWaitMillis),
  max_deliver: settings.maxDeliver,
  max_ack_pending: settings.maxAckPending ?? 1_000,
  ...(settings.backoffMillis === undefined || settings.backoffMillis.length === 0
    ? {}
    : { backoff: settings.backoffMillis.map(nanos) })
})

const sameBackoff = (a: ReadonlyArray<number> | undefined, b: ReadonlyArray<number> | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((value, index) => value === b?.[index])

/** Which mutable settings of an existing durable differ from the wanted ones. */
const differences = (existing: ConsumerConfig, wanted: Partial<ConsumerConfig>): ReadonlyArray<string> => {
  const out: Array<string> = []
  // With a backoff, the server reports its first step as ack_wait.
  if (wanted.backoff === undefined && existing.ack_wait !== wanted.ack_wait) out.push("ack_wait")
  if (existing.max_deliver !== wanted.max_deliver) out.push("max_deliver")
  if (existing.max_ack_pending !== wanted.max_ack_pending) out.push("max_ack_pending")
  if (!sameBackoff(existing.backoff, wanted.backoff)) out.push("backoff")
  return out
}

/**
 * Ensures the stream, then the durable, and returns a handle to pull from it. Fails with
 * {@link ConsumerConflict} when the durable filters another subject.
 */
export const ensure = (
  client: NatsClientShape,
  placement: StreamPlacement,
  settings: DurableSettings
): Effect.Effect<Consumer, ConsumerConflict | StreamConflict | NatsUnavailable> => {
  const wanted = consumerConfig(settings)
  const operation = `ensure consumer ${settings.durable} of ${placement.name}`
  const streamGone = (error: unknown): NatsUnavailable => {
    if (error instanceof JetStreamApiError && error.code === STREAM_NOT_FOUND) client.forgetStream(placement.name)
    return wrap(operation)(error)
  }

  const create = Effect.tryPromise({
    try: () => client.manager.consumers.add(placement.name, wanted),
    catch: streamGone
  })

  const check = (info: ConsumerInfo): Effect.Effect<ConsumerInfo, ConsumerConflict | NatsUnavailable> => {
    const existingSubject = info.config.filter_subject ?? ">"
    if (existingSubject !== settings.filterSubject) {
      return Effect.fail(
        new ConsumerConflict({
          stream: placement.name,
          durable: settings.durable,
          existingSubject,
          requestedSubject: settings.filterSubject
        })
      )
    }
    const changed = differences(info.config, wanted)
    if (changed.length === 0) return Effect.succeed(info)
    return Effect.tryPromise({
      try: () => client.manager.consumers.update(placement.name, settings.durable, { ...wanted }),
      catch: wrap(`${operation} (update ${changed.join(", ")})`)
    }).pipe(Effect.tap(() => Effect.logInfo(`updated consumer ${settings.durable}: ${changed.join(", ")}`)))
  }

  const lookup = Effect.tryPromise({
    try: () => client.manager.consumers.info(placement.name, settings.durable),
    catch: (error) => error
  }).pipe(
    Effect.matchEffect({
      onFailure: (error) =>
        error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND
          ? create
          : Effect.fail(streamGone(error)),
      onSuccess: check
    })
  )

  return client.ensureStream(placement).pipe(
    Effect.andThen(lookup),
    Effect.andThen(
      Effect.tryPromise({
        try: () => client.jetstream.consumers.get(placement.name, settings.durable),
        catch: wrap(operation)
      })
    )
  )
}
