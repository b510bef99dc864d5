/**
 * A mutable, synchronous timer index: an indexed binary min-heap kept in typed arrays
 * (struct of arrays), with string keys interned in a `Map`.
 *
 * It is the engine of `InMemoryDeadlineScheduler` and follows the rules of the
 * `DeadlineScheduler` port. Each timer owns a slot; per slot it stores the due
 * time (`Float64Array`), the state version (`Uint32Array`), and its position in the
 * heap (`Int32Array`, `-1` once fired); the heap itself is an `Int32Array` of slots
 * ordered by `(dueAt, key)`. Freed slots are reused, so memory follows the number of
 * keys held, not the number of changes made.
 *
 * Costs, for n armed timers: `arm`, `rearm`, `cancel`, `markFired` O(log n) (a change
 * of due time moves the entry up or down in place, no lazy deletion); `peekDue(k)`
 * O(k log k) regardless of n; `takeDue(k)` O(k log n); `fromRecords` O(n) (heapify).
 * About 29 bytes per slot in typed arrays plus the key string and its `Map` entry.
 *
 * Inputs are assumed valid (the scheduler service checks them).
 * @module
 */
import { Result } from "effect"
import type { Instant } from "../primitives/Instant"
import type { ArmOutcome, DueTimer, RearmOutcome, StateVersion, TimerKey, TimerRecord } from "./DeadlineScheduler"
import { TimerInputInvalid } from "./DeadlineScheduler"

const FIRED = -1
const FREE = -2

/** An indexed binary min-heap of timers; see the module documentation. */
export class TimerHeap {
  private keys: Array<string | undefined>
  private readonly index = new Map<string, number>()
  private dueAt: Float64Array
  private version: Uint32Array
  private position: Int32Array
  private heap: Int32Array
  private heapLength = 0
  private slotsUsed = 0
  private readonly freeSlots: Array<number> = []
  private firedCount = 0

  /** An empty heap with room for `initialCapacity` timers before it first grows. */
  constructor(initialCapacity = 1024) {
    const capacity = Math.max(16, Math.floor(initialCapacity))
    this.keys = new Array<string | undefined>(capacity)
    this.dueAt = new Float64Array(capacity)
    this.version = new Uint32Array(capacity)
    this.position = new Int32Array(capacity).fill(FREE)
    this.heap = new Int32Array(capacity)
  }

  /**
   * Builds a heap from stored records in O(n). Fails when a key occurs twice.
   */
  static fromRecords(records: ReadonlyArray<TimerRecord>): Result.Result<TimerHeap, TimerInputInvalid> {
    const heap = new TimerHeap(records.length)
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      if (heap.index.has(record.key)) {
        return Result.fail(
          new TimerInputInvalid({ field: `timers[${i}].key`, rule: `duplicate key ${JSON.stringify(record.key)}` })
        )
      }
      const slot = heap.allocate(record.key)
      heap.dueAt[slot] = record.dueAt
      heap.version[slot] = record.version
      if (record.fired) {
        heap.position[slot] = FIRED
        heap.firedCount++
      } else {
        heap.heap[heap.heapLength] = slot
        heap.position[slot] = heap.heapLength
        heap.heapLength++
      }
    }
    for (let i = (heap.heapLength >> 1) - 1; i >= 0; i--) heap.siftDown(i)
    return Result.succeed(heap)
  }

  /** Number of armed timers. */
  get armed(): number {
    return this.heapLength
  }

  /** Number of slots the typed arrays have room for (grows by doubling, never shrinks). */
  get capacity(): number {
    return this.dueAt.length
  }

  /** Number of fired marks held. */
  get fired(): number {
    return this.firedCount
  }

  /** Arms `key` at `dueAt` in state `version`; see `ArmOutcome` for the rules. */
  arm(key: TimerKey, dueAt: Instant, version: StateVersion): ArmOutcome {
    const existing = this.index.get(key)
    if (existing === undefined) {
      const slot = this.allocate(key)
      this.dueAt[slot] = dueAt
      this.version[slot] = version
      this.push(slot)
      return "armed"
    }
    const current = this.version[existing]!
    if (version < current) return "stale"
    const position = this.position[existing]!
    if (version === current) {
      if (position === FIRED) return "alreadyFired"
      if (this.dueAt[existing] === dueAt) return "unchanged"
      this.dueAt[existing] = dueAt
      this.restore(position)
      return "rescheduled"
    }
    this.version[existing] = version
    this.dueAt[existing] = dueAt
    if (position === FIRED) {
      this.firedCount--
      this.push(existing)
    } else {
      this.restore(position)
    }
    return "armed"
  }

  /** Moves the due time of the armed timer of `key`. */
  rearm(key: TimerKey, dueAt: Instant): RearmOutcome {
    const slot = this.index.get(key)
    if (slot === undefined) return "notArmed"
    const position = this.position[slot]!
    if (position === FIRED) return "notArmed"
    if (this.dueAt[slot] === dueAt) return "unchanged"
    this.dueAt[slot] = dueAt
    this.restore(position)
    return "rescheduled"
  }

  /** Forgets `key` (armed timer or fired mark); whether it was held. */
  cancel(key: TimerKey): boolean {
    const slot = this.index.get(key)
    if (slot === undefined) return false
    const position = this.position[slot]!
    if (position === FIRED) this.firedCount--
    else this.removeAt(position)
    this.index.delete(key)
    this.keys[slot] = undefined
    this.position[slot] = FREE
    this.freeSlots.push(slot)
    return true
  }

  /** The timer held for `key`, armed or fired. */
  get(key: TimerKey): TimerRecord | undefined {
    const slot = this.index.get(key)
    return slot === undefined ? undefined : this.record(slot)
  }

  /** Marks `key` fired if it is armed in exactly `version`. */
  markFired(key: TimerKey, version: StateVersion): boolean {
    const slot = this.index.get(key)
    if (slot === undefined || this.version[slot] !== version) return false
    const position = this.position[slot]!
    if (position === FIRED) return false
    this.removeAt(position)
    this.position[slot] = FIRED
    this.firedCount++
    return true
  }

  /** The earliest due time among armed timers. */
  nextDueAt(): Instant | undefined {
    return this.heapLength === 0 ? undefined : (this.dueAt[this.heap[0]!] as Instant)
  }

  /**
   * Up to `limit` armed timers due at `now`, earliest first, without removing them: a
   * best-first walk of the heap that only visits due entries and their children.
   */
  peekDue(now: Instant, limit: number): Array<DueTimer> {
    const out: Array<DueTimer> = []
    if (this.heapLength === 0 || limit <= 0 || this.dueAt[this.heap[0]!]! > now) return out
    // frontier: a small binary heap of heap positions, ordered like the main heap
    const frontier: Array<number> = [0]
    while (frontier.length > 0 && out.length < limit) {
      const top = frontier[0]!
      const last = frontier.pop()!
      if (frontier.length > 0) {
        frontier[0] = last
        this.frontierDown(frontier)
      }
      const slot = this.heap[top]!
      out.push(this.dueTimer(slot))
      for (let child = 2 * top + 1; child <= 2 * top + 2 && child < this.heapLength; child++) {
        if (this.dueAt[this.heap[child]!]! <= now) this.frontierPush(frontier, child)
      }
    }
    return out
  }

  /** Removes and marks fired up to `limit` armed timers due at `now`, earliest first. */
  takeDue(now: Instant, limit: number): Array<DueTimer> {
    const out: Array<DueTimer> = []
    while (out.length < limit && this.heapLength > 0) {
      const slot = this.heap[0]!
      if (this.dueAt[slot]! > now) break
      out.push(this.dueTimer(slot))
      this.removeAt(0)
      this.position[slot] = FIRED
      this.firedCount++
    }
    return out
  }

  /** Every timer held, in slot order (a snapshot's rows). */
  toRecords(): Array<TimerRecord> {
    const out: Array<TimerRecord> = []
    for (let slot = 0; slot < this.slotsUsed; slot++) {
      if (this.keys[slot] !== undefined) out.push(this.record(slot))
    }
    return out
  }

  private record(slot: number): TimerRecord {
    return {
      key: this.keys[slot] as TimerKey,
      dueAt: this.dueAt[slot] as Instant,
      version: this.version[slot]!,
      fired: this.position[slot] === FIRED
    }
  }

  private dueTimer(slot: number): DueTimer {
    return { key: this.keys[slot] as TimerKey, dueAt: this.dueAt[slot] as Instant, version: this.version[slot]! }
  }

  private allocate(key: string): number {
    let slot = this.freeSlots.pop()
    if (slot === undefined) {
      if (this.slotsUsed === this.dueAt.length) this.grow()
      slot = this.slotsUsed++
    }
    this.keys[slot] = key
    this.index.set(key, slot)
    return slot
  }

  private grow(): void {
    const capacity = this.dueAt.length * 2
    const dueAt = new Float64Array(capacity)
    dueAt.set(this.dueAt)
    const version = new Uint32Array(capacity)
    version.set(this.version)
    const position = new Int32Array(capacity).fill(FREE)
    position.set(this.position)
    const heap = new Int32Array(capacity)
    heap.set(this.heap)
    this.dueAt = dueAt
    this.version = version
    this.position = position
    this.heap = heap
    this.keys.length = capacity
  }

  private less(a: number, b: number): boolean {
    const dueA = this.dueAt[a]!
    const dueB = this.dueAt[b]!
    return dueA < dueB || (dueA === dueB && this.keys[a]! < this.keys[b]!)
  }

  private push(slot: number): void {
    const position = this.heapLength++
    this.heap[position] = slot
    this.position[slot] = position
    this.siftUp(position)
  }

  private removeAt(position: number): void {
    const lastPosition = --this.heapLength
    if (position === lastPosition) return
    const last = this.heap[lastPosition]!
    this.heap[position] = last
    this.position[last] = position
    this.restore(position)
  }

  private restore(position: number): void {
    if (position > 0 && this.less(this.heap[position]!, this.heap[(position - 1) >> 1]!)) this.siftUp(position)
    else this.siftDown(position)
  }

  private siftUp(start: number): void {
    const heap = this.heap
    const slot = heap[start]!
    let position = start
    while (position > 0) {
      const parentPosition = (position - 1) >> 1
      const parent = heap[parentPosition]!
      if (!this.less(slot, parent)) break
      heap[position] = parent
      this.position[parent] = position
      position = parentPosition
    }
    heap[position] = slot
    this.position[slot] = position
  }

  private siftDown(start: number): void {
    const heap = this.heap
    const length = this.heapLength
    const slot = heap[start]!
    let position = start
    for (;;) {
      const left = 2 * position + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.less(heap[right]!, heap[left]!) ? right : left
      const childSlot = heap[child]!
      if (!this.less(childSlot, slot)) break
      heap[position] = childSlot
      this.position[childSlot] = position
      position = child
    }
    heap[position] = slot
    this.position[slot] = position
  }

  private frontierLess(a: number, b: number): boolean {
    return this.less(this.heap[a]!, this.heap[b]!)
  }

  private frontierPush(frontier: Array<number>, value: number): void {
    let i = frontier.length
    frontier.push(value)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.frontierLess(frontier[i]!, frontier[parent]!)) break
      const swap = frontier[i]!
      frontier[i] = frontier[parent]!
      frontier[parent] = swap
      i = parent
    }
  }

  private frontierDown(frontier: Array<number>): void {
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= frontier.length) return
      const right = left + 1
      const child = right < frontier.length && this.frontierLess(frontier[right]!, frontier[left]!) ? right : left
      if (!this.frontierLess(frontier[child]!, frontier[i]!)) return
      const swap = frontier[i]!
      frontier[i] = frontier[child]!
      frontier[child] = swap
      i = child
    }
  }
}
