/**
 * A private nats-server for the integration tests (started by the tests, stopped with
 * the layer). When nats-server is not installed, building the layer fails with the
 * install hint: the suites fail, they never skip.
 */
import { type NatsServerHandle, startNatsServer } from "@gridwork/test-servers"
import { Context, Effect, Layer } from "effect"
import * as NatsClient from "../../src/jetstream/NatsClient"

const hint =
  "the @gridwork/nats integration tests need a real nats-server: install it with `apt-get install -y nats-server` (or set NATS_SERVER_BIN)"

/** Starts a server; fails with the install hint when it cannot. */
export const start = (options: { readonly storeDir?: string; readonly port?: number } = {}) =>
  Effect.tryPromise({
    try: () => startNatsServer(options),
    catch: (error) => new Error(`${hint}\n${error instanceof Error ? error.message : String(error)}`)
  }).pipe(Effect.orDie)

/** A running test server. */
export class TestNats extends Context.Service<TestNats, NatsServerHandle>()("@gridwork/nats/test/TestNats") {
  /** Starts a server for the layer's life. */
  static readonly layer: Layer.Layer<TestNats> = Layer.effect(
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
