/**
 * `@gridwork/nats`: NATS JetStream transport for Gridwork — CloudEvents envelopes,
 * streams per module and locality, idempotent publishing, the outbox relay, durable
 * consumers with inbox de-duplication and dead letters, and core's `Bus` on JetStream.
 * @packageDocumentation
 */

export * as BusSelection from "./bus/BusSelection"
export * as JetStreamBus from "./bus/JetStreamBus"
export * as DeadLetter from "./consumer/DeadLetter"
export * as EventConsumer from "./consumer/EventConsumer"
export * as CloudEventEnvelope from "./envelope/CloudEventEnvelope"
export * as Consumers from "./jetstream/Consumers"
export * as NatsClient from "./jetstream/NatsClient"
export * as NatsUnavailable from "./jetstream/NatsUnavailable"
export * as Publisher from "./jetstream/Publisher"
export * as StreamLayout from "./jetstream/StreamLayout"
export * as Streams from "./jetstream/Streams"
export * as Subjects from "./jetstream/Subjects"
export * as OutboxRelay from "./relay/OutboxRelay"
