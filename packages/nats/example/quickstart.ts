/**
 * Quickstart: events appended with their outbox rows are relayed to JetStream, and a
 * durable consumer folds them into a read model, once each.
 *
 *   NATS_URL=nats://127.0.0.1:4222 npx tsx --conditions=@gridwork/source example/quickstart.ts
 *
 * (start a server with `nats-server -js`). The store, outbox and inbox are core's
 * in-memory ones; in a service they are `@gridwork/store-sql`'s, so the read model and
 * the inbox record commit in one transaction.
 */
import { EventCodec, EventStore, Ids, type Inbox, InMemoryInbox, InMemoryOutbox, Instant, Outbox } from "@gridwork/core"
import { EventConsumer, NatsClient, OutboxRelay, Publisher } from "@gridwork/nats"
import { Effect, Layer, Ref, Schema } from "effect"

class PetitionRegistered extends Schema.TaggedClass<PetitionRegistered>()("PetitionRegistered", {
  title: Schema.String
}) {}
const codec = EventCodec.make({ PetitionRegistered })

/** Appends three petitions, relays them, and returns the titles the consumer projected. */
export const program: Effect.Effect<
  ReadonlyArray<string>,
  | OutboxRelay.RelayOptionsInvalid
  | EventConsumer.ConsumerError
  | EventStore.AppendError
  | EventCodec.EventEncodingError,
  EventStore.EventStore | Outbox.Outbox | Inbox.Inbox | NatsClient.NatsClient | Publisher.Publisher
> = Effect.gen(function* () {
  const store = yield* EventStore.EventStore
  const titles = yield* Ref.make<ReadonlyArray<string>>([])
  const locality = `demo${Date.now().toString(36)}`

  yield* OutboxRelay.start() // outbox rows → JetStream, marked sent after each PubAck
  yield* EventConsumer.start({
    durable: "titles",
    locality,
    module: "petition",
    codec,
    handle: (event) => Ref.update(titles, (all) => [...all, event.title]) // runs once per event id
  })

  for (const title of ["Noise at night", "Broken street light", "Blocked drain"]) {
    const eventId = yield* Ids.makeEventId
    const encoded = codec.encode(new PetitionRegistered({ title }))
    if (encoded._tag === "Failure") return yield* encoded.failure
    yield* store.append(`case-${eventId}`, "no-stream", [
      { eventId, ...encoded.success, metadata: { locality }, occurredAt: yield* Instant.now }
    ])
  }
  while ((yield* Ref.get(titles)).length < 3) yield* Effect.sleep("20 millis")
  return yield* Ref.get(titles)
}).pipe(Effect.scoped)

/** The layers: a NATS connection and publisher, an in-memory event store with its outbox, an inbox. */
export const layer = (
  url: string
): Layer.Layer<
  NatsClient.NatsClient | Publisher.Publisher | EventStore.EventStore | Outbox.Outbox | Inbox.Inbox,
  NatsClient.NatsConnectFailure | Publisher.PublishError
> =>
  Publisher.layer().pipe(
    Layer.provideMerge(NatsClient.layer({ url })),
    Layer.merge(InMemoryOutbox.layer(Outbox.moduleSubjects({ module: "petition", locality: "lanxi" }))),
    Layer.merge(InMemoryInbox.layer)
  )

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env.NATS_URL
  if (url === undefined) {
    console.error("set NATS_URL, e.g. NATS_URL=nats://127.0.0.1:4222 (start nats-server -js)")
    process.exitCode = 1
  } else {
    Effect.runPromise(program.pipe(Effect.provide(layer(url)))).then(
      (titles) => console.log("projected:", titles),
      (error: unknown) => {
        console.error(error)
        process.exitCode = 1
      }
    )
  }
}
