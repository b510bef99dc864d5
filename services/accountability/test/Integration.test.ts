/**
 * The service against a real nats-server (JetStream) and a real PostgreSQL server,
 * both private to this file (`@gridwork/test-servers`), on the real clock:
 *
 * a petition event published on JetStream → the service's durable consumer (inbox) →
 * obligations in PostgreSQL → their deadlines fire from the SQL scheduler (the events
 * date from September 2026, so their due times have passed) → `EscalationTriggered`
 * relayed from the outbox to JetStream, where a subscriber receives it.
 *
 * Waits are bounded polling, never fixed sleeps; nothing asserts on durations. The
 * suite fails with an install hint when nats-server or PostgreSQL is missing.
 */

import { PgClient } from "@effect/sql-pg"
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { Bus, Ids, Instant } from "@gridwork/core"
import { JetStreamBus } from "@gridwork/nats"
import { DevIssuer, type ServiceApp, SqlIdempotencyStore } from "@gridwork/service-kit"
import {
  type NatsServerHandle,
  type PostgresServerHandle,
  startNatsServer,
  startPostgres
} from "@gridwork/test-servers"
import { Effect, Exit, ManagedRuntime, Queue, Redacted, Scope, Stream } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import { App, CheckpointStore, Locality, ObligationIndex, SigningKey, Storage, Transport } from "../src/index"
import * as Migrations from "../src/Migrations"
import * as SqlCheckpointStore from "../src/SqlCheckpointStore"
import * as SqlObligationIndex from "../src/SqlObligationIndex"
import { lanxiModel, units } from "./support/Fixture"
import { checkpointStoreContract, obligationIndexContract } from "./support/StoreContracts"

const hint = (what: string, install: string) => (error: unknown) =>
  new Error(
    `the accountability integration tests need ${what}: install it with \`${install}\`\n${error instanceof Error ? error.message : String(error)}`
  )

let nats: NatsServerHandle
let postgres: PostgresServerHandle

beforeAll(async () => {
  ;[nats, postgres] = await Promise.all([
    startNatsServer().catch((error) => {
      throw hint("a real nats-server", "apt-get install -y nats-server")(error)
    }),
    startPostgres().catch((error) => {
      throw hint("a real PostgreSQL server", "apt-get install -y postgresql")(error)
    })
  ])
}, 120_000)

afterAll(async () => {
  await Promise.all([nats?.stop(), postgres?.stop()])
})

/** Repeats `check` every 100 ms until it holds; fails naming `what` after `timeoutMillis`. */
const eventually = async <A>(what: string, check: () => Promise<A | undefined>, timeoutMillis = 60_000): Promise<A> => {
  const deadline = Date.now() + timeoutMillis
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const sqlLayer = (url: string) => PgClient.layer({ url: Redacted.make(url), maxConnections: 2 })

describe("the service's own stores on PostgreSQL", () => {
  it("pass the obligation index and checkpoint store contracts", async () => {
    const url = postgres.createDatabase("accountability_stores")
    const program = Effect.gen(function* () {
      yield* Migrations.migrate
      yield* obligationIndexContract.pipe(Effect.provide(SqlObligationIndex.layer))
      yield* checkpointStoreContract.pipe(Effect.provide(SqlCheckpointStore.layer("lanxi.accountability")))
      // A second ledger's checkpoints are its own.
      const other = yield* Effect.provide(
        CheckpointStore.CheckpointStore.use((store) => store.latest),
        SqlCheckpointStore.layer("xiqiao.accountability")
      )
      expect(other._tag).toBe("None")
      // The index was written through the SQL tables (not some cache): count the rows.
      const sql = yield* SqlClient
      const rows = yield* sql<{ readonly n: string }>`select count(*)::text as n from accountability_obligations`
      expect(rows[0]?.n).toBe("3")
      return yield* ObligationIndex.ObligationIndex.use((index) => index.subjectsOf("u.a")).pipe(
        Effect.provide(SqlObligationIndex.layer)
      )
    }).pipe(Effect.provide(sqlLayer(url)))
    expect(await Effect.runPromise(program)).toEqual(["m-1", "m-2"])
  })
})

describe("event → JetStream → consumer → PostgreSQL → deadline → EscalationTriggered on JetStream", () => {
  it("escalates a petition nobody routed, end to end", { timeout: 180_000 }, async () => {
    const databaseUrl = postgres.createDatabase("accountability_service")
    const model = lanxiModel(true)
    const issuer = await Effect.runPromise(
      DevIssuer.make({ issuer: "urn:gridwork:test", audience: "gridwork-accountability" })
    )
    const app: ServiceApp.ServiceApp<App.Services<never> | ServiceApp.KitServices> = App.make({
      locality: Locality.make(model),
      stores: Storage.layerSql({ databaseUrl, dataDir: "unused-with-a-server", locality: model.locality.id }),
      transport: Transport.layerNats(nats.url),
      signingKey: SigningKey.SigningKey.layerGenerated,
      authentication: issuer.verifierOptions,
      idempotencyStore: SqlIdempotencyStore.layer({ scope: "accountability" }),
      deadlines: { maxTick: "200 millis", retryAfter: "1 second" },
      readiness: [{ name: "database", check: Storage.databaseReady }],
      log: { sink: () => undefined }
    })

    // A producer and a consumer of our own on the same server: the petition module and whoever applies escalations.
    const peer = ManagedRuntime.make(JetStreamBus.layerNats({ url: nats.url, name: "test-peer" }))
    const scope = Effect.runSync(Scope.make())
    try {
      const escalations = await peer.runPromise(
        Effect.gen(function* () {
          const bus = yield* Bus.Bus
          const received = yield* Queue.unbounded<Bus.BusMessage>()
          const deliveries = yield* bus.subscribe({
            durable: "test-escalations",
            subject: "gw.lanxi.accountability.escalation-triggered",
            deliver: "all"
          })
          yield* Effect.forkIn(
            Stream.runForEach(deliveries, (delivery) =>
              Effect.andThen(Queue.offer(received, delivery.message), delivery.ack)
            ),
            scope
          )
          return received
        }).pipe(Scope.provide(scope))
      )

      // The service starts (it must be ready: its database answers).
      const ready = await app.request("/health/ready")
      expect(ready.status).toBe(200)

      // The petition module publishes: received at the village committee on 28 September 2026, never routed.
      const subject = "lanxi-2026-0917"
      const eventId = Ids.EventId.make(Ids.formatUuidV7(Instant.unsafeFromIso("2026-09-28T09:30:00+08:00"), 1, 2, 3))
      const ack = await peer.runPromise(
        Bus.Bus.use((bus) =>
          bus.publish({
            subject: "gw.lanxi.petition.petition-received",
            event: {
              eventId,
              streamId: subject,
              streamVersion: 1,
              globalPosition: 1,
              type: "PetitionReceived",
              schemaVersion: 1,
              data: {
                _tag: "PetitionReceived",
                title: "Boundary wall between two households",
                unit: units.village,
                jurisdiction: "lanxi.dongshan.qiaotou.g1",
                category: "land.boundary"
              },
              metadata: { locality: "lanxi" },
              occurredAt: Instant.unsafeFromIso("2026-09-28T09:30:00+08:00")
            }
          })
        )
      )
      expect(ack.duplicate).toBe(false)

      // The consumer opened the obligation, the scheduler fired its due time, the rules escalated it.
      const token = await app.run(
        issuer.mint({ subject: "019a6f40-0000-7000-8000-000000000002", roles: ["leader"], jurisdictions: ["lanxi"] })
      )
      if (Exit.isFailure(token)) throw new Error("mint failed")
      const obligations = await eventually("the escalated obligation at the town", async () => {
        const response = await app.request(`/v1/obligations?subject=${subject}`, {
          headers: { authorization: `Bearer ${token.value}` }
        })
        const body = (await response.json()) as {
          readonly obligations: ReadonlyArray<{
            readonly rule: string
            readonly status: string
            readonly owner: { readonly unit: string }
          }>
        }
        return body.obligations.some((o) => o.rule === "escalated.handle" && o.owner.unit === units.town)
          ? body.obligations
          : undefined
      })
      expect(obligations[0]).toMatchObject({ rule: "petition.register-route", status: "cancelled" })

      // The obligations are rows of PostgreSQL, next to the events, the outbox and the ledger.
      const counts = await Effect.runPromise(
        Effect.gen(function* () {
          const sql = yield* SqlClient
          const [row] = yield* sql<{
            readonly obligations: string
            readonly events: string
            readonly ledger: string
            readonly inbox: string
          }>`
            select (select count(*) from accountability_obligations where subject = ${subject})::text as obligations,
                   (select count(*) from gw_events where stream_id = ${`matter-${subject}`})::text as events,
                   (select count(*) from gw_ledger)::text as ledger,
                   (select count(*) from gw_inbox where message_id = ${eventId})::text as inbox`
          return row
        }).pipe(Effect.provide(sqlLayer(databaseUrl)))
      )
      expect(Number(counts?.obligations)).toBeGreaterThanOrEqual(2)
      expect(Number(counts?.events)).toBeGreaterThan(3)
      expect(Number(counts?.ledger)).toBeGreaterThanOrEqual(6)
      expect(counts?.inbox).toBe("1")

      // The escalation went out through the outbox to JetStream, as a CloudEvent of the accountability module.
      const message = await eventually("EscalationTriggered on JetStream", async () => {
        const taken = await Effect.runPromise(Queue.poll(escalations))
        return taken._tag === "Some" ? taken.value : undefined
      })
      expect(message.event.type).toBe("EscalationTriggered")
      expect(message.event.streamId).toBe(`matter-${subject}`)
      expect(message.event.data).toMatchObject({
        _tag: "EscalationTriggered",
        subject,
        firing: { rule: "overdue-climbs" }
      })
      expect(String(message.event.metadata.explanation)).toContain("overdue-climbs")

      // Over HTTP too (producers without NATS), idempotent by Idempotency-Key across the SQL store.
      const service = await app.run(issuer.mint({ subject: "petition-service", roles: ["gridwork-service"] }))
      if (Exit.isFailure(service)) throw new Error("mint failed")
      const reply = {
        specversion: "1.0",
        id: Ids.formatUuidV7(Instant.unsafeFromIso("2026-11-12T16:00:00+08:00"), 4, 5, 6),
        type: "gridwork.petition.PetitionReplied.v1",
        subject,
        time: "2026-11-12T16:00:00+08:00",
        data: { unit: units.town }
      }
      const post = () =>
        app.request("/v1/events", {
          method: "POST",
          body: JSON.stringify(reply),
          headers: {
            "content-type": "application/json",
            "idempotency-key": "019a6f40-0000-7000-8000-0000000000ee",
            authorization: `Bearer ${service.value}`
          }
        })
      const first = await post()
      expect(first.status).toBe(200)
      const replayed = await post()
      expect(replayed.headers.get("idempotent-replayed")).toBe("true")
      expect(await replayed.text()).toBe(await first.text())

      // The ledger verifies.
      const verified = await app.request("/v1/ledger/verify", { headers: { authorization: `Bearer ${token.value}` } })
      expect(await verified.json()).toMatchObject({ valid: true })
    } finally {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      await peer.dispose()
      await app.dispose()
    }
  })
})
