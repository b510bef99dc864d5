/**
 * The error of every NATS operation that failed for reasons outside the caller's
 * control: the server unreachable or restarting, a timeout, an API error. The
 * operation may be retried.
 * @module
 */
import { Schema } from "effect"

/** A NATS or JetStream operation failed (server down, timeout, API error); retrying may succeed. */
export class NatsUnavailable extends Schema.TaggedError<NatsUnavailable>()("NatsUnavailable", {
  /** What was being done, e.g. `publish gw.lanxi.petition.petition-registered`, `ensure stream GW_LANXI_PETITION`. */
  operation: Schema.String,
  /** The underlying error. */
  cause: Schema.Defect()
}) {
  /** Names the operation and the cause. */
  override get message(): string {
    const cause = this.cause instanceof Error ? this.cause.message : String(this.cause)
    return `NATS unavailable during ${this.operation}: ${cause}`
  }
}

/** Wraps any thrown value of `operation` as {@link NatsUnavailable}. */
export const wrap =
  (operation: string) =>
  (cause: unknown): NatsUnavailable =>
    new NatsUnavailable({ operation, cause })
