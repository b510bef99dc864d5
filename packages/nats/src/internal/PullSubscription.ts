/**
 * A pull loop on a durable JetStream consumer, shared by `JetStreamBus` and
 * `EventConsumer`.
 *
 * It fetches at most `batch` messages ahead of the reader (a new fetch asks only for
 * the free room, so nothing piles up unseen inside the client), tracks every message
 * it received until it is settled (ack, nak or term), and survives server restarts:
 * a failed fetch (missed heartbeats, consumer or stream gone) is retried with
 * exponential backoff after ensuring the consumer again. It ends, failing the reader,
 * only when the connection is closed for good.
 *
 * When the scope closes, the loop stops, and every message received but not settled
 * (waiting in the buffer or handed out) is nak'ed at once and the naks flushed to
 * the server, so another subscriber gets them without waiting for `ack_wait`.
 * @internal
 */
import type { Consumer, JsMsg } from "@nats-io/jetstream"
import type { NatsConnection } from "@nats-io/transport-node"
import { Cause, Effect, Exit, Latch, Queue, type Scope } from "effect"
import { NatsUnavailable } from "../jetstream/NatsUnavailable"

/** Options of {@link open}. */
export interface PullOptions<E> {
  /** For logs: which durable of which stream. */
  readonly label: string
  /** The connection (flushed after the final naks; its closing ends the loop). */
  readonly connection: NatsConnection
  /** Ensures the stream and the durable and returns a handle; run at start (its failure fails {@link open}) and after fetch failures. */
  readonly connect: Effect.Effect<Consumer, E>
  /** Most messages fetched ahead of the reader. */
  readonly batch: number
  /** How long one pull request stays open, in milliseconds (at least 1000). */
  readonly expiresMillis: number
  /** First and longest pause after a failure, in milliseconds. */
  readonly retryMillis: { readonly initial: number; readonly max: number }
  /** Timeout of an acknowledgement's confirmation, in milliseconds. */
  readonly ackTimeoutMillis: number
}

/** A running pull loop. */
export interface PullSubscription {
  /** The next message; fails when the connection is closed for good. */
  readonly take: Effect.Effect<JsMsg, NatsUnavailable>
  /** Acknowledges and waits for the server's confirmation. */
  readonly ack: (message: JsMsg) => Effect.Effect<void, NatsUnavailable>
  /** Asks for redelivery after `delayMillis` (default at once); waits for the server's confirmation. */
  readonly nak: (message: JsMsg, delayMillis?: number) => Effect.Effect<void, NatsUnavailable>
  /** Stops redelivery for good; waits for the server's confirmation. */
  readonly term: (message: JsMsg) => Effect.Effect<void, NatsUnavailable>
}

const encoder = new TextEncoder()
const NAK = encoder.encode("-NAK")
const TERM = encoder.encode("+TERM")

const nakPayload = (delayMillis: number | undefined): Uint8Array =>
  delayMillis === undefined || delayMillis <= 0
    ? NAK
    : encoder.encode(`-NAK ${JSON.stringify({ delay: Math.round(delayMillis) * 1_000_000 })}`)

/** The subject acknowledgements of a message go to (`$JS.ACK...`). */
const replyOf = (message: JsMsg): string | undefined => {
  const reply: unknown = (message as { readonly reply?: unknown }).reply
  return typeof reply === "string" && reply.length > 0 ? reply : undefined
}

/**
 * Sends an acknowledgement (`-NAK`, `+TERM`) as a request: the server answers once it
 * has applied it, so a redelivery or a new pull afterwards sees its effect. (nats.js
 * only confirms `+ACK`, with `ackAck`.)
 */
const confirmed = (
  connection: NatsConnection,
  message: JsMsg,
  payload: Uint8Array,
  timeoutMillis: number
): Promise<void> => {
  const reply = replyOf(message)
  if (reply === undefined) return Promise.reject(new Error("the message has no reply subject to acknowledge"))
  return connection.request(reply, payload, { timeout: timeoutMillis }).then(() => undefined)
}

class FetchFailed {
  readonly _tag = "FetchFailed"
  constructor(readonly cause: unknown) {}
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Starts the pull loop; it stops with the scope. */
export const open = <E>(options: PullOptions<E>): Effect.Effect<PullSubscription, E, Scope.Scope> =>
  Effect.gen(function* () {
    const initial = yield* options.connect
    const queue = yield* Queue.unbounded<JsMsg, NatsUnavailable>()
    const unsettled = new Set<JsMsg>()
    const room = yield* Latch.make(true)
    const lowWater = Math.floor(options.batch / 2)
    let closing = false

    const receive = (message: JsMsg): void => {
      if (closing) {
        message.nak()
        return
      }
      unsettled.add(message)
      Queue.offerUnsafe(queue, message)
    }

    /** One pull request for up to `count` messages, read to its end; interruption stops it and naks what is left. */
    const fetchOnce = (consumer: Consumer, count: number) =>
      Effect.callback<void, FetchFailed>((resume) => {
        let messages: Awaited<ReturnType<Consumer["fetch"]>> | undefined
        let stopped = false
        const drained = (async () => {
          messages = await consumer.fetch({ max_messages: count, expires: options.expiresMillis })
          if (stopped) messages.stop()
          for await (const message of messages) receive(message)
        })()
        drained.then(
          () => resume(Effect.void),
          (error: unknown) => resume(Effect.fail(new FetchFailed(error)))
        )
        return Effect.promise(async () => {
          stopped = true
          messages?.stop()
          await Promise.race([drained.catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())])
          // nats-server 2.9 keeps the stopped pull request until it expires; a redelivery
          // picked for it while no one listens is lost until ack_wait (and the consumer's
          // sequence steps back). Asking for the consumer's info makes the server drop
          // requests nobody listens to, before the final naks make messages available.
          if (!options.connection.isClosed()) await consumer.info().catch(() => undefined)
        })
      })

    const waitForRoom = Effect.gen(function* () {
      while (Queue.sizeUnsafe(queue) > lowWater) {
        yield* room.close
        if (Queue.sizeUnsafe(queue) > lowWater) yield* room.await
      }
    })

    const pause = (failures: number) =>
      Effect.sleep(Math.min(options.retryMillis.max, options.retryMillis.initial * 2 ** Math.min(failures - 1, 20)))

    const reconnect = (failures: number): Effect.Effect<Consumer> =>
      Effect.flatMap(Effect.exit(options.connect), (exit) =>
        Exit.isSuccess(exit)
          ? Effect.succeed(exit.value)
          : Effect.logWarning(`${options.label}: cannot ensure the consumer; retrying`, exit.cause).pipe(
              Effect.andThen(pause(failures)),
              Effect.andThen(Effect.suspend(() => reconnect(failures + 1)))
            )
      )

    const closedForGood = new NatsUnavailable({
      operation: `pull ${options.label}`,
      cause: new Error("the NATS connection is closed")
    })

    const loop = Effect.gen(function* () {
      let consumer = initial
      let failures = 0
      while (true) {
        if (options.connection.isClosed()) return yield* Queue.fail(queue, closedForGood)
        yield* waitForRoom
        const exit = yield* Effect.exit(fetchOnce(consumer, options.batch - Queue.sizeUnsafe(queue)))
        if (Exit.isSuccess(exit)) {
          failures = 0
          continue
        }
        if (options.connection.isClosed()) return yield* Queue.fail(queue, closedForGood)
        failures++
        const cause = Cause.findErrorOption(exit.cause)
        yield* Effect.logWarning(
          `${options.label}: fetch failed (${cause._tag === "Some" ? describe(cause.value.cause) : "unknown"}); retrying`
        )
        yield* pause(failures)
        consumer = yield* reconnect(1)
      }
    })

    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        closing = true
        const pending = [...unsettled]
        unsettled.clear()
        if (options.connection.isClosed()) return
        // Confirmed naks: when the scope is closed, the server has made them available again.
        await Promise.all(
          pending.map((message) =>
            confirmed(options.connection, message, NAK, options.ackTimeoutMillis).catch(() => undefined)
          )
        )
      })
    )
    yield* Effect.forkScoped(loop)

    const settle = (message: JsMsg): boolean => unsettled.delete(message)

    return {
      // Messages fetched on a connection that has closed can no longer be acknowledged:
      // drop them (the server redelivers them) instead of handling them in vain.
      take: Effect.suspend(() =>
        options.connection.isClosed()
          ? Effect.fail(closedForGood)
          : Effect.tap(Queue.take(queue), () =>
              Queue.sizeUnsafe(queue) <= lowWater ? Effect.asVoid(room.open) : Effect.void
            )
      ),
      ack: (message) =>
        Effect.suspend(() => {
          settle(message)
          if (options.connection.isClosed()) return Effect.fail(closedForGood)
          return Effect.tryPromise({
            try: () => message.ackAck({ timeout: options.ackTimeoutMillis }),
            catch: (cause) => new NatsUnavailable({ operation: `ack ${options.label} #${message.seq}`, cause })
          })
        }).pipe(Effect.asVoid),
      nak: (message, delayMillis) =>
        Effect.suspend(() => {
          settle(message)
          return Effect.tryPromise({
            try: () => confirmed(options.connection, message, nakPayload(delayMillis), options.ackTimeoutMillis),
            catch: (cause) => new NatsUnavailable({ operation: `nak ${options.label} #${message.seq}`, cause })
          })
        }),
      term: (message) =>
        Effect.suspend(() => {
          settle(message)
          return Effect.tryPromise({
            try: () => confirmed(options.connection, message, TERM, options.ackTimeoutMillis),
            catch: (cause) => new NatsUnavailable({ operation: `term ${options.label} #${message.seq}`, cause })
          })
        })
    } satisfies PullSubscription
  })
