import { busContract } from "@gridwork/core/testing"
import { Layer } from "effect"
import * as JetStreamBus from "../src/bus/JetStreamBus"
import * as Publisher from "../src/jetstream/Publisher"
import * as StreamLayout from "../src/jetstream/StreamLayout"
import { client, TestNats } from "./support/TestNats"

// The single-stream layout (`gw.>`) cannot share a server with per-module streams: a private server.
busContract("JetStreamBus on a real nats-server, single stream layout", () =>
  JetStreamBus.layer().pipe(
    Layer.provide(Publisher.layer()),
    Layer.provide(client({ layout: StreamLayout.single() })),
    Layer.provide(TestNats.layerPrivate)
  )
)
