/**
 * A consumer of the BUILT package (`dist`, no `@gridwork/source` condition), compiled
 * with `nodenext` resolution, declaration emit and library checking by
 * `npm run test:declarations` (after `npm run build`; `turbo run test:declarations`
 * builds first). It fails when the published declarations lose a value behind a
 * namespace export (a Schema next to its type), lose a type, degrade one to `any`, or
 * declare one that a consumer's declaration emit cannot name (TS2742/TS2883).
 */
import type { Bus } from "@gridwork/core"
import { BusSelection, CloudEventEnvelope, NatsClient, Subjects } from "@gridwork/nats"
import { type Result, Schema } from "effect"

// Values that share their name with a type (bundled declarations used to drop them).
export const decodeEvent: (input: unknown) => CloudEventEnvelope.CloudEvent = Schema.decodeUnknownSync(
  CloudEventEnvelope.CloudEvent
)
export const url: string = Schema.decodeUnknownSync(NatsClient.NatsUrl)("nats://127.0.0.1:4222")

// Types by name.
export const toEnvelope = (
  message: Bus.BusMessage
): Result.Result<CloudEventEnvelope.CloudEventJson, CloudEventEnvelope.EnvelopeEncodeError> =>
  CloudEventEnvelope.toCloudEvent(message)
export const subjectOf = (subject: string): Subjects.ParsedSubject | undefined => Subjects.parse(subject)

// An object type stays one (this line is an error unless the type degraded to `any`).
// @ts-expect-error a number is not a parsed subject
export const notASubject: Subjects.ParsedSubject = 7

// Inferred types the declaration emit has to name.
export const busLayer = BusSelection.layerConfig
export const clientTag = NatsClient.NatsClient
export const clientLayer = NatsClient.layer
export const decode = CloudEventEnvelope.decode
