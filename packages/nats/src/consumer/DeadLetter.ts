/**
 * Dead letters: messages a consumer gives up on, kept on `gw.<locality>.dlq.<module>`
 * (stream `GW_<LOCALITY>_DLQ` in the per-module layout) for people to inspect and
 * replay.
 *
 * A dead letter is the original message, byte for byte, with the original headers
 * and these added (header values are single-line, at most 1000 characters):
 *
 * | Header                          | Value                                                   |
 * | ------------------------------- | ------------------------------------------------------- |
 * | `Gridwork-Dlq-Reason`           | why: `undecodable: ...`, `rejected: ...`, `max-deliveries: ...` |
 * | `Gridwork-Dlq-Durable`          | the consumer that gave up                                |
 * | `Gridwork-Dlq-Subject`          | the original subject                                     |
 * | `Gridwork-Dlq-Stream`           | the original stream                                      |
 * | `Gridwork-Dlq-Stream-Sequence`  | the original stream sequence                             |
 * | `Gridwork-Dlq-Deliveries`       | how many times it was delivered                          |
 * | `Gridwork-Dlq-Original-Msg-Id`  | the original `Nats-Msg-Id` (the event id)                |
 *
 * Its own `Nats-Msg-Id` is `dlq:<durable>:<stream>:<sequence>`, so dead-lettering the
 * same delivery twice (a crash between the dead-letter publish and the `term`) stores
 * it once inside the duplicate window. The consumer terms the original only after the
 * dead letter's PubAck. Messages already on a dead-letter subject are never
 * dead-lettered again.
 *
 * @example
 * ```ts
 * import { DeadLetter } from "@gridwork/nats"
 *
 * DeadLetter.subjectOf("gw.lanxi.petition.petition-registered") // "gw.lanxi.dlq.petition"
 * ```
 * @module
 */
import type { JsMsg } from "@nats-io/jetstream"
import { Effect } from "effect"
import { type PublishError, Publisher, type PublishReceipt, PublishRejected } from "../jetstream/Publisher"
import * as Subjects from "../jetstream/Subjects"

/** Why the message was dead-lettered. */
export const REASON_HEADER = "Gridwork-Dlq-Reason"
/** The consumer that gave up. */
export const DURABLE_HEADER = "Gridwork-Dlq-Durable"
/** The original subject. */
export const SUBJECT_HEADER = "Gridwork-Dlq-Subject"
/** The original stream. */
export const STREAM_HEADER = "Gridwork-Dlq-Stream"
/** The original stream sequence. */
export const SEQUENCE_HEADER = "Gridwork-Dlq-Stream-Sequence"
/** How many times the message was delivered. */
export const DELIVERIES_HEADER = "Gridwork-Dlq-Deliveries"
/** The original `Nats-Msg-Id`. */
export const ORIGINAL_ID_HEADER = "Gridwork-Dlq-Original-Msg-Id"

const MSG_ID = "Nats-Msg-Id"

/** The dead-letter subject of a message's subject (`gw.<locality>.<module>.<...>` → `gw.<locality>.dlq.<module>`), if it has one. */
export const subjectOf = (subject: string): string | undefined => {
  const parsed = Subjects.parse(subject)
  return parsed === undefined || parsed.module === Subjects.DEAD_LETTER_TOKEN ? undefined : Subjects.deadLetter(parsed)
}

/** Whether a subject is a dead-letter subject (`gw.<locality>.dlq.<...>`). */
export const isDeadLetterSubject = (subject: string): boolean => subject.split(".")[2] === Subjects.DEAD_LETTER_TOKEN

/** A header value on one line, at most 1000 characters. */
export const headerValue = (text: string): string => {
  const line = text.replace(/[\r\n]+/g, " ").trim()
  return line.length <= 1_000 ? line : `${line.slice(0, 999)}…`
}

/** The headers of the dead letter of `message`. */
export const headersOf = (
  message: JsMsg,
  durable: string,
  reason: string
): ReadonlyArray<readonly [string, string]> => {
  const out: Array<readonly [string, string]> = []
  const original = message.headers
  if (original !== undefined) {
    for (const [key, values] of original) {
      for (const value of values) out.push([key === MSG_ID ? ORIGINAL_ID_HEADER : key, value])
    }
  }
  out.push(
    [REASON_HEADER, headerValue(reason)],
    [DURABLE_HEADER, durable],
    [SUBJECT_HEADER, message.subject],
    [STREAM_HEADER, message.info.stream],
    [SEQUENCE_HEADER, String(message.seq)],
    [DELIVERIES_HEADER, String(message.info.deliveryCount)]
  )
  return out
}

/**
 * Publishes the dead letter of `message` and waits for its PubAck (the caller then
 * terms the original). Fails with `PublishRejected` for a message on a dead-letter
 * subject or a subject outside `gw.<locality>.<module>.<...>`.
 */
export const publish = (
  message: JsMsg,
  durable: string,
  reason: string
): Effect.Effect<PublishReceipt, PublishError, Publisher> =>
  Effect.flatMap(Effect.service(Publisher), (publisher) => {
    const subject = subjectOf(message.subject)
    if (subject === undefined) {
      return Effect.fail(
        new PublishRejected({
          subject: message.subject,
          messageId: `${message.info.stream}#${message.seq}`,
          path: "subject",
          reason: "no dead-letter subject: the message is already a dead letter or not gw.<locality>.<module>.<...>"
        })
      )
    }
    return publisher.publishBody(subject, message.data, {
      messageId: `dlq:${durable}:${message.info.stream}:${message.seq}`,
      headers: headersOf(message, durable, reason)
    })
  })
