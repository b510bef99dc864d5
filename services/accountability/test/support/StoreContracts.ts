/**
 * The contracts of the service's own stores (obligation index, checkpoint store), run
 * against the in-memory implementations and against PostgreSQL.
 */
import { Checkpoint, Instant, Obligation } from "@gridwork/core"
import { Effect, Option } from "effect"
import { expect } from "vitest"
import { CheckpointStore, ObligationIndex, type ObligationView } from "../../src/index"

const at = Instant.unsafeFromIso("2026-09-28T09:30:00+08:00")

/** The id of the `n`-th obligation of the contracts. */
export const idOf = (n: number) =>
  Obligation.ObligationId.make(`019a6f40-0000-7000-8000-${String(n).padStart(12, "0")}`)

/** A view of an obligation of `subject` owed by `unit`, with an id ordered by `n`. */
export const view = (
  n: number,
  subject: string,
  unit: string,
  status: ObligationView.Status = "open"
): ObligationView.ObligationView => ({
  id: idOf(n),
  subject: Obligation.SubjectId.make(subject),
  rule: "petition.register-route",
  title: "Register and route",
  policyVersion: "2026.1",
  source: { law: "信访工作条例 (2022)", article: "22" },
  status,
  owner: { unit: unit as Obligation.Owner["unit"] },
  openedAt: at,
  due: Instant.fromMillis(at + 15 * Instant.DAY),
  initialDue: Instant.fromMillis(at + 15 * Instant.DAY),
  provisional: false,
  extensions: 0,
  warned: [0.6],
  nextWarningAt: Instant.fromMillis(at + 12 * Instant.DAY),
  lateByMs: 0,
  cause: { type: "PetitionReceived" }
})

/** The obligation index contract. */
export const obligationIndexContract = Effect.gen(function* () {
  const index = yield* ObligationIndex.ObligationIndex
  yield* index.record("m-1", [view(1, "m-1", "u.a"), view(2, "m-1", "u.a", "overdue")], ["u.a"])
  yield* index.record("m-2", [view(3, "m-2", "u.b")], ["u.b", "u.a"])
  // A later record of the same obligation replaces its view (moved to another unit and closed).
  yield* index.record("m-1", [view(1, "m-1", "u.b", "cancelled")], ["u.b"])

  const ids = (views: ReadonlyArray<ObligationView.ObligationView>) => views.map((v) => Number(v.id.slice(-3)))
  expect(ids(yield* index.find({ limit: 10 }))).toEqual([1, 2, 3])
  expect(ids(yield* index.find({ subject: "m-1", limit: 10 }))).toEqual([1, 2])
  expect(ids(yield* index.find({ unit: "u.b", limit: 10 }))).toEqual([1, 3])
  expect(ids(yield* index.find({ unit: "u.a", status: "overdue", limit: 10 }))).toEqual([2])
  expect(ids(yield* index.find({ status: "cancelled", limit: 10 }))).toEqual([1])
  expect(ids(yield* index.find({ limit: 2 }))).toEqual([1, 2])
  expect(ids(yield* index.find({ after: idOf(2), limit: 2 }))).toEqual([3])
  expect(yield* index.get(idOf(1))).toEqual(Option.some(view(1, "m-1", "u.b", "cancelled")))
  expect(yield* index.get(idOf(9))).toEqual(Option.none())
  expect(yield* index.subjectsOf("u.a")).toEqual(["m-1", "m-2"])
  expect(yield* index.subjectsOf("u.b")).toEqual(["m-1", "m-2"])
  expect(yield* index.subjectsOf("u.c")).toEqual([])
})

/** The checkpoint store contract. */
export const checkpointStoreContract = Effect.gen(function* () {
  const store = yield* CheckpointStore.CheckpointStore
  expect(yield* store.latest).toEqual(Option.none())
  const keys = yield* Checkpoint.generateKeyPair
  const sign = (size: number) =>
    Checkpoint.sign(
      {
        ledgerId: Checkpoint.LedgerId.make("lanxi.accountability"),
        size,
        hash: "a".repeat(64) as Checkpoint.Checkpoint["hash"],
        merkleRoot: "b".repeat(64) as Checkpoint.Checkpoint["merkleRoot"],
        issuedAt: Instant.fromMillis(at + size)
      },
      keys.privateKey
    )
  const two = yield* sign(2)
  const five = yield* sign(5)
  yield* store.save(two)
  yield* store.save(five)
  yield* store.save(yield* sign(5)) // the same size again: the first one is kept
  yield* store.save(yield* sign(3))
  expect(yield* store.latest).toEqual(Option.some(five))
})
