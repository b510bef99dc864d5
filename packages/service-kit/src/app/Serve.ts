/**
 * Serving a {@link ServiceApp} over HTTP with `@hono/node-server`, and shutting it
 * down gracefully:
 *
 * 1. stop accepting: the app starts draining (new requests on open keep-alive
 *    connections get a 503 problem with `Connection: close`, readiness answers 503),
 *    the listening socket is closed, idle connections are closed;
 * 2. drain: wait until every request in progress has finished, at most
 *    `shutdownTimeoutMs` (default 10 s); then close whatever connections remain;
 * 3. run the app's drain hooks (`app.onShutdown`: consumers, relays ...) in
 *    registration order;
 * 4. dispose the runtime (closing pools and other scoped resources).
 *
 * @example
 * ```ts
 * import { Serve } from "@gridwork/service-kit"
 *
 * declare const app: import("@gridwork/service-kit").ServiceApp.ServiceApp<never>
 * const server = await Serve.serve(app, { port: 8080, hostname: "0.0.0.0", signals: ["SIGTERM", "SIGINT"] })
 * console.log(`listening on ${server.url}`)
 * // later: await server.shutdown()
 * ```
 * @module
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { getRequestListener } from "@hono/node-server"
import { Schema } from "effect"
import { decodeOptions } from "../problem/OptionsError"
import type { ServiceApp } from "./ServiceApp"

/** Options of {@link serve}. */
export const OptionsSchema = Schema.Struct({
  /** TCP port; 0 picks a free one (see {@link ServerHandle.port}). */
  port: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65_535 })),
  /** Interface to listen on (default `127.0.0.1`; use `0.0.0.0` in containers). */
  hostname: Schema.optional(Schema.String.check(Schema.isMinLength(1))),
  /** How long to wait for requests in progress at shutdown, in ms (default 10 s). */
  shutdownTimeoutMs: Schema.optional(Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10 * 60 * 1000 }))),
  /** Signals that trigger a graceful shutdown (default none). */
  signals: Schema.optional(Schema.Array(Schema.Literals(["SIGTERM", "SIGINT", "SIGHUP"])))
})
/** @see {@link OptionsSchema} */
export type Options = typeof OptionsSchema.Encoded

/** A running server. */
export interface ServerHandle {
  /** The port actually bound. */
  readonly port: number
  /** The interface listened on. */
  readonly hostname: string
  /** `http://<hostname>:<port>`. */
  readonly url: string
  /** The Node server (for tests and instrumentation). */
  readonly server: Server
  /** Graceful shutdown (see the module docs); idempotent. */
  readonly shutdown: () => Promise<void>
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/**
 * Builds the app's runtime (rejecting with the layer's error if it cannot be built), then
 * listens; resolves once the port is bound (rejects if it cannot be).
 */
export const serve = async <R>(app: ServiceApp<R>, options: Options): Promise<ServerHandle> => {
  const config = decodeOptions(OptionsSchema, "serve options", options)
  // Build the runtime first: a service whose layers cannot be built does not listen.
  await app.runtime.context()
  const hostname = config.hostname ?? "127.0.0.1"
  const shutdownTimeoutMs = config.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS
  const listener = getRequestListener(app.fetch, { hostname })
  const server = createServer((request, response) => {
    // Counted until the response has been written out (or the connection died), so
    // that shutdown never cuts a response that the app has produced but not yet sent.
    const finish = app.tracker.begin()
    response.once("close", finish)
    if (app.tracker.isDraining()) response.setHeader("connection", "close")
    void listener(request, response)
  })
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.listen(config.port, hostname, () => {
      server.off("error", onError)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const signals = config.signals ?? []

  let shuttingDown: Promise<void> | undefined
  const onSignal = () => {
    void shutdown()
  }
  const shutdown = (): Promise<void> => {
    if (shuttingDown !== undefined) return shuttingDown
    for (const signal of signals) process.off(signal, onSignal)
    shuttingDown = (async () => {
      app.tracker.startDraining()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, shutdownTimeoutMs)
        timer.unref()
      })
      await Promise.race([app.tracker.idle(), timedOut])
      if (timer !== undefined) clearTimeout(timer)
      server.closeAllConnections()
      await closed
      await app.dispose()
    })()
    return shuttingDown
  }
  for (const signal of signals) process.once(signal, onSignal)

  const host = address.family === "IPv6" ? `[${address.address}]` : address.address
  return { port: address.port, hostname, url: `http://${host}:${address.port}`, server, shutdown }
}
