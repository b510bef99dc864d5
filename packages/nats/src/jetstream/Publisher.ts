/**
 * Publishing bus messages to JetStream as CloudEvents, de-duplicated by event id.
 *
 * Each message is wrapped in its CloudEvent (`CloudEventEnvelope`), published on its
 * subject with `Nats-Msg-Id` = the event id, and the publish waits for the stream's
 * PubAck: the receipt carries the stream sequence and whether JetStream dropped the
 * message as a duplicate (same id inside the stream's duplicate window; the sequence
 * is then the original one). The stream is ensured (created or updated) on first use.
 *
 * A PubAck means "the stream has it", not "it is on disk": JetStream acknowledges
 * before fsync unless the server runs with `sync_interval: always`, and it only
 * de-duplicates inside its window. PostgreSQL stays the system of record: the outbox
 * row is marked sent only after the PubAck and republished after any doubt, and
 * consumers de-duplicate with their inbox.
 *
 * @example
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { NatsClient, Publisher } from "@gridwork/nats"
 *
 * const layer = Publisher.layer({ modules: [{ locality: "lanxi", module: "petition" }] }).pipe(
 *   Layer.provideMerge(NatsClient.layer({ url: "nats://127.0.0.1:4222" }))
 * )
 * declare const message: import("@gridwork/core").Bus.BusMessage
 * const program = Effect.gen(function* () {
 *   const publisher = yield* Publisher.Publisher
 *   const receipt = yield* publisher.publish(message) // { stream, sequence, duplicate }
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */
import type { Bus } from "@gridwork/core"
import { errors as natsErrors, headers as natsHeaders } from "@nats-io/transport-node"
import { Context, Effect, Layer, Result, Schema } from "effect"
import * as CloudEventEnvelope from "../envelope/CloudEventEnvelope"
import { NatsClient } from "./NatsClient"
import { NatsUnavailable } from "./NatsUnavailable"
import * as StreamLayout from "./StreamLayout"
import type * as Streams from "./Streams"
import type * as Subjects from "./Subjects"

/** What JetStream answered to a publish. */
export interface PublishReceipt {
  /** The stream that stored the message. */
  readonly stream: string
  /** Its sequence in the stream (the original one for a duplicate). */
  readonly sequence: number
  /** `true` when the stream already had this `Nats-Msg-Id` inside its duplicate window. */
  readonly duplicate: boolean
}

/** A message that can never be published as it is (bad subject or envelope); retrying will not help. */
export class PublishRejected extends Schema.TaggedError<PublishRejected>()("PublishRejected", {
  subject: Schema.String,
  messageId: Schema.String,
  path: Schema.String,
  reason: Schema.String
}) {
  /** Names the message, the field and the rule. */
  override get message(): string {
    return `cannot publish ${this.messageId} on ${this.subject}: ${this.path}: ${this.reason}`
  }
}

/** Why a publish can fail. */
export type PublishError = PublishRejected | Streams.StreamConflict | NatsUnavailable

/** Options of {@link PublisherShape.publishBody}. */
export interface PublishBodyOptions {
  /** The `Nats-Msg-Id` de-duplication id. */
  readonly messageId: string
  /** Headers to send besides `Nats-Msg-Id` (e.g. copied from another message). */
  readonly headers?: ReadonlyArray<readonly [string, string]>
}

/** The publisher operations. */
export interface PublisherShape {
  /** Publishes a bus message as a CloudEvent with `Nats-Msg-Id` = its event id; waits for the PubAck. */
  readonly publish: (message: Bus.BusMessage) => Effect.Effect<PublishReceipt, PublishError>
  /**
   * Ensures the streams of these subjects, one after the other. Publishes to a stream
   * already ensured leave in call order; a batch publisher calls this first so that the
   * first publishes to a new stream do not race its creation.
   */
  readonly prepare: (subjects: Iterable<string>) => Effect.Effect<void, PublishError>
  /**
   * Publishes messages in order with at most `maxInFlight` PubAcks outstanding (a
   * sliding window) and returns each one's outcome, in order. Ensures their streams
   * first. Interrupting it stops launching new publishes (those in flight complete).
   */
  readonly publishMany: (
    messages: ReadonlyArray<Bus.BusMessage>,
    options: { readonly maxInFlight: number }
  ) => Effect.Effect<ReadonlyArray<Result.Result<PublishReceipt, PublishError>>>
  /** Publishes a ready body on a subject (dead letters); waits for the PubAck. */
  readonly publishBody: (
    subject: string,
    body: Uint8Array,
    options: PublishBodyOptions
  ) => Effect.Effect<PublishReceipt, PublishError>
}

/** The JetStream publisher service. */
export class Publisher extends Context.Service<Publisher, PublisherShape>()("@gridwork/nats/jetstream/Publisher") {}

/** Options of {@link layer}. */
export interface PublisherOptions {
  /** Modules whose streams are ensured (created or updated) when the layer starts. */
  readonly modules?: ReadonlyArray<Subjects.ModuleAddress>
}

/** nats.js reports "no responders" to a JetStream publish as `JetStreamNotEnabled`: no stream holds the subject. */
const isNoStream = (error: unknown): boolean =>
  (error instanceof Error && error.name === "JetStreamNotEnabled") ||
  (error instanceof natsErrors.RequestError && error.isNoResponders()) ||
  error instanceof natsErrors.NoRespondersError

/** Builds the publisher on the {@link NatsClient}, ensuring the streams of `options.modules`. */
export const make = (options: PublisherOptions = {}) =>
  Effect.gen(function* () {
    const client = yield* NatsClient
    const js = client.jetstream
    for (const address of options.modules ?? []) {
      yield* client.ensureStream(StreamLayout.forModule(client.layout, address))
    }

    /**
     * One publish as a promise of its outcome (it never rejects), once the subject's
     * stream is ensured: the shared path of every publish.
     */
    const sendPromise = (
      subject: string,
      body: Uint8Array,
      messageId: string,
      extra: ReadonlyArray<readonly [string, string]>
    ): Promise<Result.Result<PublishReceipt, PublishError>> => {
      const placement = StreamLayout.forSubject(client.layout, subject)
      if (Result.isFailure(placement)) {
        return Promise.resolve(
          Result.fail(new PublishRejected({ subject, messageId, path: "subject", reason: placement.failure }))
        )
      }
      const stream = placement.success.name
      const operation = `publish ${messageId} on ${subject}`
      const headers = natsHeaders()
      for (const [key, value] of extra) headers.append(key, value)
      return js.publish(subject, body, { msgID: messageId, headers, timeout: client.timeoutMillis }).then(
        (ack): Result.Result<PublishReceipt, PublishError> =>
          ack.stream === stream
            ? Result.succeed({ stream: ack.stream, sequence: ack.seq, duplicate: ack.duplicate })
            : Result.fail(
                new NatsUnavailable({
                  operation,
                  cause: new Error(
                    `stored in stream ${ack.stream}, expected ${stream}: another stream holds these subjects`
                  )
                })
              ),
        (cause: unknown) => {
          if (isNoStream(cause)) {
            // The stream was deleted behind our back, or the server lost its store: ensure it next time.
            client.forgetStream(stream)
            return Result.fail(new NatsUnavailable({ operation: `${operation} (no stream answered)`, cause }))
          }
          return Result.fail(new NatsUnavailable({ operation, cause }))
        }
      )
    }

    const envelopeHeaders: ReadonlyArray<readonly [string, string]> = [
      ["Content-Type", CloudEventEnvelope.CONTENT_TYPE]
    ]

    /** The CloudEvent publish of a bus message, as a promise of its outcome. */
    const publishPromise = (message: Bus.BusMessage): Promise<Result.Result<PublishReceipt, PublishError>> => {
      const body = CloudEventEnvelope.encode(message)
      return Result.isFailure(body)
        ? Promise.resolve(
            Result.fail(
              new PublishRejected({
                subject: message.subject,
                messageId: message.event.eventId,
                path: body.failure.path,
                reason: body.failure.reason
              })
            )
          )
        : sendPromise(message.subject, body.success, message.event.eventId, envelopeHeaders)
    }

    const prepareSubjects = (subjects: Iterable<string>): Effect.Effect<void, PublishError> =>
      Effect.suspend(() => {
        const placements = new Map<string, StreamLayout.StreamPlacement>()
        for (const subject of new Set(subjects)) {
          const placement = StreamLayout.forSubject(client.layout, subject)
          if (Result.isSuccess(placement)) placements.set(placement.success.name, placement.success)
        }
        return Effect.forEach(placements.values(), client.ensureStream, { discard: true })
      })

    /** Ensures the subject's stream, then runs one publish. */
    const one = (
      subject: string,
      publish: () => Promise<Result.Result<PublishReceipt, PublishError>>
    ): Effect.Effect<PublishReceipt, PublishError> =>
      Effect.andThen(
        prepareSubjects([subject]),
        Effect.flatMap(Effect.promise(publish), (result) => Effect.fromResult(result))
      )

    const publishMany: PublisherShape["publishMany"] = (messages, manyOptions) =>
      Effect.flatMap(Effect.result(prepareSubjects(messages.map((message) => message.subject))), (prepared) =>
        Effect.promise(
          (signal) =>
            new Promise<ReadonlyArray<Result.Result<PublishReceipt, PublishError>>>((resolve) => {
              const outcomes = new Array<Result.Result<PublishReceipt, PublishError>>(messages.length)
              const window = Math.max(1, manyOptions.maxInFlight)
              let next = 0
              let settled = 0
              const launch = (): void => {
                while (next < messages.length && next - settled < window && !signal.aborted) {
                  const index = next++
                  // A stream that cannot be ensured fails its messages without publishing them.
                  const outcome = Result.isFailure(prepared)
                    ? Promise.resolve<Result.Result<PublishReceipt, PublishError>>(Result.fail(prepared.failure))
                    : publishPromise(messages[index]!)
                  outcome.then((result) => {
                    outcomes[index] = result
                    settled++
                    if (settled === messages.length || (signal.aborted && settled === next)) resolve(outcomes)
                    else launch()
                  })
                }
              }
              if (messages.length === 0) resolve([])
              else launch()
            })
        )
      )

    return Publisher.of({
      prepare: prepareSubjects,
      publishMany,
      publish: (message) => one(message.subject, () => publishPromise(message)),
      publishBody: (subject, body, publishOptions) =>
        one(subject, () => sendPromise(subject, body, publishOptions.messageId, publishOptions.headers ?? []))
    })
  })

/** A layer with the {@link Publisher}; needs a {@link NatsClient}. */
export const layer = (
  options: PublisherOptions = {}
): Layer.Layer<Publisher, Streams.StreamConflict | NatsUnavailable, NatsClient> =>
  Layer.effect(Publisher, make(options))
