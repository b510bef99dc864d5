/**
 * The nats-server of the integration tests: the run's shared one (`globalSetup.ts`),
 * or a private one for tests that stop and restart it. When nats-server is not
 * installed, starting fails with the install hint: the suites fail, they never skip.
 */
import { startNatsServer } from "@gridwork/test-servers"
import { Context, Effect, Layer } from "effect"
import { inject } from "vitest"
import * as NatsClient from "../../src/jetstream/NatsClient"

const hint =
  "the @gridwork/nats integration tests need a real nats-server: install it with `apt-get install -y nats-server` (or set NATS_SERVER_BIN)"

/** Starts a private server (stop it yourself); fails with the install hint when it cannot. */
export const start = (options: { readonly storeDir?: string; readonly port?: number } = {}) =>
  Effect.tryPromise({
    try: () => startNatsServer(options),
    catch: (error) => new Error(`${hint}\n${error instanceof Error ? error.message : String(error)}`)
  }).pipe(Effect.orDie)

/** The run's shared test server (started by `globalSetup.ts`). */
export class TestNats extends Context.Service<TestNats, { readonly url: string }>()("@gridwork/nats/test/TestNats") {
  /** The shared server of the run. */
  static readonly layer: Layer.Layer<TestNats> = Layer.sync(TestNats, () => ({ url: inject("natsUrl") }))
  /**
   * A private server for the layer's life, for tests whose streams would clash with
   * the shared server's (one server holds one stream layout).
   */
  static readonly layerPrivate: Layer.Layer<TestNats> = Layer.effect(
    TestNats,
    Effect.acquireRelease(start(), (server) => Effect.promise(() => server.stop()))
  )
}

/** A {@link NatsClient} connected to the {@link TestNats} server. */
export const client = (
  options: Omit<NatsClient.NatsClientOptions, "url"> = {}
): Layer.Layer<NatsClient.NatsClient, NatsClient.NatsConnectFailure, TestNats> =>
  Layer.unwrap(
    Effect.map(Effect.service(TestNats), (server) =>
      NatsClient.layer({ reconnectWait: 100, timeout: 2_000, ...options, url: server.url })
    )
  )

/** Every message of a stream, oldest first, as `{ seq, subject, headers, data }`. */
export const readStream = (name: string) =>
  Effect.flatMap(Effect.service(NatsClient.NatsClient), (nats) =>
    Effect.promise(async () => {
      const info = await nats.manager.streams.info(name)
      const out: Array<{
        readonly seq: number
        readonly subject: string
        readonly headers: ReadonlyMap<string, string>
        readonly data: Uint8Array
      }> = []
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const stored = await nats.manager.streams.getMessage(name, { seq }).catch(() => null)
        if (stored === null) continue
        const headers = new Map<string, string>()
        if (stored.header !== undefined) for (const [key, values] of stored.header) headers.set(key, values.join(","))
        out.push({ seq: stored.seq, subject: stored.subject, headers, data: stored.data })
      }
      return out
    })
  )
