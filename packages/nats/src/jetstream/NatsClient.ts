/**
 * The connection to NATS with JetStream, shared by the publisher, the outbox relay,
 * the consumers and the JetStream bus of one process.
 *
 * The layer connects once at start (failing with {@link NatsConnectFailure} and the
 * reason when the server cannot be reached or has no JetStream), then reconnects
 * forever: publishes and pulls made while the server restarts fail or wait and are
 * retried by their callers. Connection changes are logged. Closing the layer drains
 * the connection (pending publishes and acks are flushed) within 5 seconds.
 *
 * It also remembers which streams it has ensured ({@link NatsClientShape.ensureStream}):
 * the first publish or subscription touching a stream creates or updates it with the
 * layer's {@link Streams.StreamSettings}, later ones skip the round trip.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { NatsClient } from "@gridwork/nats"
 *
 * const layer = NatsClient.layer({ url: "nats://127.0.0.1:4222", name: "petition-service" })
 * const program = Effect.gen(function* () {
 *   const client = yield* NatsClient.NatsClient
 *   return client.connection.getServer()
 * }).pipe(Effect.provide(layer))
 * ```
 * @module
 */
import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StreamInfo
} from "@nats-io/jetstream"
import { connect, type NatsConnection } from "@nats-io/transport-node"
import { Config, Context, type Duration, Effect, Layer, Result, Schema, Semaphore, Stream } from "effect"
import { DURATION_RULE, positiveMillis } from "../internal/Durations"
import { NatsUnavailable } from "./NatsUnavailable"
import * as StreamLayout from "./StreamLayout"
import * as Streams from "./Streams"

/**
 * One NATS server URL, or several separated by commas (a cluster):
 * `nats://host:4222`, `tls://host:4222`, or `host:4222`.
 */
export const NatsUrl = Schema.String.check(
  Schema.isPattern(/^((nats|tls|ws|wss):\/\/)?[^\s,/]+(:\d{1,5})?(,((nats|tls|ws|wss):\/\/)?[^\s,/]+(:\d{1,5})?)*$/, {
    message: "a NATS URL is nats://host:port (or several separated by commas)",
    expected: "nats://host:port"
  })
)

/** Options of {@link layer}. */
export interface NatsClientOptions {
  /** The server URL(s), e.g. `nats://127.0.0.1:4222`; see {@link NatsUrl}. */
  readonly url: string
  /** The connection's name, shown by the server's monitoring (default `gridwork`). */
  readonly name?: string | undefined
  /** Which stream holds which subjects (default {@link StreamLayout.perModule}). */
  readonly layout?: StreamLayout.StreamLayout | undefined
  /** Settings of the streams this process creates or updates (default {@link Streams.defaultSettings}). */
  readonly streams?: Partial<Streams.StreamSettings> | undefined
  /** How long to wait for a PubAck or a JetStream API answer (default 5 seconds). */
  readonly timeout?: Duration.Input | undefined
  /** Pause between reconnection attempts (default 1 second). */
  readonly reconnectWait?: Duration.Input | undefined
}

/** The connection and what the rest of the package needs from it. */
export interface NatsClientShape {
  /** The server URL(s) without credentials, for logs. */
  readonly url: string
  /** The NATS connection. */
  readonly connection: NatsConnection
  /** The JetStream client (publish, consumers). */
  readonly jetstream: JetStreamClient
  /** The JetStream manager (streams and consumers administration). */
  readonly manager: JetStreamManager
  /** The stream layout. */
  readonly layout: StreamLayout.StreamLayout
  /** The settings of the streams it ensures. */
  readonly settings: Streams.StreamSettings
  /** The PubAck / API timeout in milliseconds. */
  readonly timeoutMillis: number
  /** Creates or updates a stream once per process (later calls return at once until {@link forgetStream}). */
  readonly ensureStream: (
    placement: StreamLayout.StreamPlacement
  ) => Effect.Effect<void, Streams.StreamConflict | NatsUnavailable>
  /** Forgets that a stream was ensured (after "no stream" errors), so the next use ensures it again. */
  readonly forgetStream: (name: string) => void
  /** The info of a stream (message count, sequences), from the server. */
  readonly streamInfo: (name: string) => Effect.Effect<StreamInfo, NatsUnavailable>
}

/** The NATS connection service. */
export class NatsClient extends Context.Service<NatsClient, NatsClientShape>()("@gridwork/nats/jetstream/NatsClient") {}

/** The layer could not connect: bad options, server unreachable, or JetStream disabled. */
export class NatsConnectFailure extends Schema.TaggedError<NatsConnectFailure>()("NatsConnectFailure", {
  url: Schema.String,
  reason: Schema.String
}) {
  /** Names the URL and the reason. */
  override get message(): string {
    return `cannot use NATS at ${this.url}: ${this.reason}`
  }
}

/** The URL(s) with any `user:password@` removed. */
export const describeUrl = (url: string): string => url.replace(/\/\/[^@/,]*@/g, "//")

const millisOf = (
  input: Duration.Input | undefined,
  fallback: number,
  field: string
): Result.Result<number, string> => {
  const millis = positiveMillis(input, fallback)
  return millis === undefined ? Result.fail(`${field}: ${DURATION_RULE}`) : Result.succeed(millis)
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** Connects and builds the service; the connection closes with the scope. */
export const make = (options: NatsClientOptions) =>
  Effect.gen(function* () {
    const url = describeUrl(options.url)
    const fail = (reason: string) => Effect.fail(new NatsConnectFailure({ url, reason }))
    if (!Schema.is(NatsUrl)(options.url)) {
      return yield* fail("url: a NATS URL is nats://host:port (or several separated by commas)")
    }
    const timeout = millisOf(options.timeout, 5_000, "timeout")
    if (Result.isFailure(timeout)) return yield* fail(timeout.failure)
    const reconnectWait = millisOf(options.reconnectWait, 1_000, "reconnectWait")
    if (Result.isFailure(reconnectWait)) return yield* fail(reconnectWait.failure)
    const replicas = options.streams?.replicas ?? 1
    if (!Number.isSafeInteger(replicas) || replicas < 1 || replicas > 5) {
      return yield* fail("streams.replicas: expected an integer from 1 to 5")
    }
    const maxBytes = options.streams?.maxBytes
    if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 1)) {
      return yield* fail("streams.maxBytes: expected a positive integer")
    }
    const settings: Streams.StreamSettings = { ...Streams.defaultSettings, ...options.streams, replicas }
    const timeoutMillis = timeout.success

    const connection = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          connect({
            servers: options.url.split(","),
            name: options.name ?? "gridwork",
            maxReconnectAttempts: -1,
            reconnectTimeWait: reconnectWait.success,
            waitOnFirstConnect: false,
            timeout: timeoutMillis
          }),
        catch: (error) =>
          new NatsConnectFailure({
            url,
            reason: `${describe(error)} (is nats-server running with JetStream, e.g. \`nats-server -js\`?)`
          })
      }),
      (nc) =>
        Effect.promise(async () => {
          if (nc.isClosed()) return
          const drained = nc.drain().catch(() => undefined)
          const timer = new Promise((resolve) => setTimeout(resolve, 5_000).unref())
          await Promise.race([drained, timer])
          if (!nc.isClosed()) await nc.close().catch(() => undefined)
        })
    )
    const manager = yield* Effect.tryPromise({
      try: () => jetstreamManager(connection, { timeout: timeoutMillis }),
      catch: (error) =>
        new NatsConnectFailure({
          url,
          reason: `JetStream is not available: ${describe(error)} (start nats-server with -js)`
        })
    })
    const js = jetstream(connection, { timeout: timeoutMillis })

    yield* Stream.fromAsyncIterable(connection.status(), (error) => error).pipe(
      Stream.runForEach((status) => {
        switch (status.type) {
          case "disconnect":
            return Effect.logWarning(`NATS disconnected from ${url}; reconnecting`)
          case "reconnect":
            return Effect.logInfo(`NATS reconnected to ${url}`)
          case "error":
            return Effect.logWarning(`NATS connection error: ${describe(status.error)}`)
          default:
            return Effect.void
        }
      }),
      Effect.ignore,
      Effect.forkScoped
    )

    const ensured = new Set<string>()
    // One ensure at a time: concurrent first publishes to a stream wait for one creation.
    const ensuring = yield* Semaphore.make(1)
    const ensureStream = (placement: StreamLayout.StreamPlacement) =>
      ensured.has(placement.name)
        ? Effect.void
        : ensuring.withPermits(1)(
            Effect.suspend(() =>
              ensured.has(placement.name)
                ? Effect.void
                : Effect.asVoid(
                    Effect.tap(Streams.ensure(manager, placement, settings), () =>
                      Effect.sync(() => ensured.add(placement.name))
                    )
                  )
            )
          )

    return NatsClient.of({
      url,
      connection,
      jetstream: js,
      manager,
      layout: options.layout ?? StreamLayout.perModule,
      settings,
      timeoutMillis,
      ensureStream: (placement) => Effect.asVoid(ensureStream(placement)),
      forgetStream: (name) => {
        ensured.delete(name)
      },
      streamInfo: (name) =>
        Effect.tryPromise({
          try: () => manager.streams.info(name),
          catch: (cause) => new NatsUnavailable({ operation: `stream info ${name}`, cause })
        })
    })
  })

/** A layer with a {@link NatsClient} connected with `options`. */
export const layer = (options: NatsClientOptions): Layer.Layer<NatsClient, NatsConnectFailure> =>
  Layer.effect(NatsClient, make(options))

/** Reads `NATS_URL` (required) from the configuration; the other options are passed in. */
export const layerConfig = (
  options: Omit<NatsClientOptions, "url"> = {}
): Layer.Layer<NatsClient, NatsConnectFailure | Config.ConfigError> =>
  Layer.unwrap(Effect.map(Config.String("NATS_URL"), (url) => layer({ ...options, url })))
