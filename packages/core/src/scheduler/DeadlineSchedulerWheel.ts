/**
 * A mutable, synchronous timer index: a calendar queue (an unbounded timing wheel) kept
 * in typed arrays (struct of arrays), with string keys interned in a `Map`.
 *
 * It is the engine of `InMemoryDeadlineScheduler` and follows the rules of the
 * `DeadlineScheduler` port. Armed timers are grouped into buckets of `bucketWidth`
 * milliseconds of due time (bucket `floor(dueAt / bucketWidth)`); each bucket is an
 * intrusive doubly linked list of slots, and only the non-empty buckets sit in a small
 * indexed min-heap ordered by bucket number. A bucket is sorted by `(dueAt, key)` the
 * first time it is read and stays sorted while timers leave it or join it at its end,
 * so a tick touches only the buckets that are due, never the timers in later buckets.
 *
 * Per slot, one 24-byte record in a single buffer (so a tick touches one cache line
 * per timer, not one per field): the due time, the state version, the bucket it is
 * linked into (`-1` once fired) and the two list links; plus the key string and its
 * `Map` entry. Freed slots and
 * buckets are reused, so memory follows the number of keys held, not the changes made.
 *
 * Costs, for n armed timers in B non-empty buckets: `arm`, `rearm`, `cancel`,
 * `markFired` O(1) within a bucket, O(log B) when a bucket is created or emptied;
 * `peekDue(k)` and `takeDue(k)` O(k + s log s + d log B), where d is the number of due
 * buckets visited and s the number of timers in them not sorted yet (each timer is
 * sorted about once): independent of the timers not yet due. `fromRecords` O(n).
 * Choose `bucketWidth` so that a bucket holds a handful of timers: the default, one
 * minute, suits deadlines spread over days and weeks.
 *
 * Inputs are assumed valid (the scheduler service checks them).
 * @module
 */
import { Result } from "effect"
import type { Instant } from "../primitives/Instant"
import type { ArmOutcome, DueTimer, RearmOutcome, StateVersion, TimerKey, TimerRecord } from "./DeadlineScheduler"
import { TimerInputInvalid } from "./DeadlineScheduler"

/** `bucket[slot]` of a slot whose timer has fired (its mark is kept). */
const FIRED = -1
/** `bucket[slot]` of a slot that holds no key. */
const FREE = -2
/** End of a list, or no bucket. */
const NONE = -1

/**
 * The record of a slot: 24 bytes, so that the fields a tick reads share a cache line.
 * As `Float64Array` index `SLOT_FLOATS * slot`: the due time; as `Int32Array` indices
 * `SLOT_INTS * slot + BUCKET | NEXT | PREVIOUS | VERSION`: the bucket (or FIRED, FREE),
 * the list links, and the state version (stored as int32, read back with `>>> 0`).
 */
const SLOT_BYTES = 24
const SLOT_FLOATS = SLOT_BYTES / 8
const SLOT_INTS = SLOT_BYTES / 4
const BUCKET = 2
const NEXT = 3
const PREVIOUS = 4
const VERSION = 5

/** The default width of a bucket: one minute of due time. */
export const DEFAULT_BUCKET_WIDTH = 60_000

/** A calendar queue of timers; see the module documentation. */
export class TimerWheel {
  /** Milliseconds of due time per bucket. */
  readonly bucketWidth: number
  private keys: Array<string | undefined>
  private readonly index = new Map<string, number>()
  // one 24-byte record per slot, read through two views of the same buffer
  private f64: Float64Array
  private i32: Int32Array
  private slotCapacity: number
  private slotsUsed = 0
  private readonly freeSlots: Array<number> = []
  private armedCount = 0
  private firedCount = 0

  // buckets: bucket number -> bucket id; per bucket id its list, sorted flag and heap position
  private readonly buckets = new Map<number, number>()
  private bucketNumber: Float64Array
  private head: Int32Array
  private tail: Int32Array
  private sorted: Uint8Array
  private heapPosition: Int32Array
  private bucketHeap: Int32Array
  private bucketHeapLength = 0
  private bucketsUsed = 0
  private readonly freeBuckets: Array<number> = []
  private scratch = new Int32Array(64)

  /**
   * An empty wheel with room for `initialCapacity` timers before it first grows, and
   * buckets `bucketWidth` milliseconds wide (a positive integer).
   */
  constructor(initialCapacity = 1024, bucketWidth = DEFAULT_BUCKET_WIDTH) {
    if (!Number.isSafeInteger(bucketWidth) || bucketWidth <= 0) {
      throw new RangeError(`bucketWidth: a positive integer number of milliseconds, got ${bucketWidth}`)
    }
    this.bucketWidth = bucketWidth
    const capacity = Math.max(16, Math.floor(initialCapacity))
    this.keys = new Array<string | undefined>(capacity)
    this.slotCapacity = capacity
    const buffer = new ArrayBuffer(capacity * SLOT_BYTES)
    this.f64 = new Float64Array(buffer)
    this.i32 = new Int32Array(buffer)
    for (let slot = 0; slot < capacity; slot++) this.i32[SLOT_INTS * slot + BUCKET] = FREE
    const bucketCapacity = 16
    this.bucketNumber = new Float64Array(bucketCapacity)
    this.head = new Int32Array(bucketCapacity)
    this.tail = new Int32Array(bucketCapacity)
    this.sorted = new Uint8Array(bucketCapacity)
    this.heapPosition = new Int32Array(bucketCapacity)
    this.bucketHeap = new Int32Array(bucketCapacity)
  }

  /**
   * Builds a wheel from stored records in O(n). Fails when a key occurs twice.
   */
  static fromRecords(
    records: ReadonlyArray<TimerRecord>,
    bucketWidth = DEFAULT_BUCKET_WIDTH
  ): Result.Result<TimerWheel, TimerInputInvalid> {
    const wheel = new TimerWheel(records.length, bucketWidth)
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!
      if (wheel.index.has(record.key)) {
        return Result.fail(
          new TimerInputInvalid({ field: `timers[${i}].key`, rule: `duplicate key ${JSON.stringify(record.key)}` })
        )
      }
      const slot = wheel.allocate(record.key)
      wheel.f64[SLOT_FLOATS * slot] = record.dueAt
      wheel.i32[SLOT_INTS * slot + VERSION] = record.version
      if (record.fired) {
        wheel.i32[SLOT_INTS * slot + BUCKET] = FIRED
        wheel.firedCount++
      } else {
        wheel.link(slot, false)
      }
    }
    for (let i = (wheel.bucketHeapLength >> 1) - 1; i >= 0; i--) wheel.siftDown(i)
    return Result.succeed(wheel)
  }

  /** Number of armed timers. */
  get armed(): number {
    return this.armedCount
  }

  /** Number of slots the typed arrays have room for (grows by doubling, never shrinks). */
  get capacity(): number {
    return this.slotCapacity
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
      this.f64[SLOT_FLOATS * slot] = dueAt
      this.i32[SLOT_INTS * slot + VERSION] = version
      this.link(slot, true)
      return "armed"
    }
    const current = this.i32[SLOT_INTS * existing + VERSION]! >>> 0
    if (version < current) return "stale"
    const wasFired = this.i32[SLOT_INTS * existing + BUCKET] === FIRED
    if (version === current) {
      if (wasFired) return "alreadyFired"
      if (this.f64[SLOT_FLOATS * existing] === dueAt) return "unchanged"
      this.move(existing, dueAt)
      return "rescheduled"
    }
    this.i32[SLOT_INTS * existing + VERSION] = version
    if (wasFired) {
      this.firedCount--
      this.f64[SLOT_FLOATS * existing] = dueAt
      this.link(existing, true)
    } else {
      this.move(existing, dueAt)
    }
    return "armed"
  }

  /** Moves the due time of the armed timer of `key`. */
  rearm(key: TimerKey, dueAt: Instant): RearmOutcome {
    const slot = this.index.get(key)
    if (slot === undefined || this.i32[SLOT_INTS * slot + BUCKET] === FIRED) return "notArmed"
    if (this.f64[SLOT_FLOATS * slot] === dueAt) return "unchanged"
    this.move(slot, dueAt)
    return "rescheduled"
  }

  /** Forgets `key` (armed timer or fired mark); whether it was held. */
  cancel(key: TimerKey): boolean {
    const slot = this.index.get(key)
    if (slot === undefined) return false
    if (this.i32[SLOT_INTS * slot + BUCKET] === FIRED) this.firedCount--
    else this.unlink(slot)
    this.index.delete(key)
    this.keys[slot] = undefined
    this.i32[SLOT_INTS * slot + BUCKET] = FREE
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
    if (
      slot === undefined ||
      this.i32[SLOT_INTS * slot + VERSION]! >>> 0 !== version ||
      this.i32[SLOT_INTS * slot + BUCKET] === FIRED
    )
      return false
    this.fire(slot)
    return true
  }

  /** The earliest due time among armed timers. */
  nextDueAt(): Instant | undefined {
    if (this.bucketHeapLength === 0) return undefined
    const first = this.bucketHeap[0]!
    this.sort(first)
    return this.f64[SLOT_FLOATS * this.head[first]!] as Instant
  }

  /**
   * Up to `limit` armed timers due at `now`, earliest first, without removing them: a
   * best-first walk of the bucket heap that only visits due buckets and their children.
   */
  peekDue(now: Instant, limit: number): Array<DueTimer> {
    const out: Array<DueTimer> = []
    const nowBucket = Math.floor(now / this.bucketWidth)
    if (this.bucketHeapLength === 0 || limit <= 0 || this.bucketNumber[this.bucketHeap[0]!]! > nowBucket) return out
    // frontier: a small binary heap of positions in the bucket heap, ordered like it
    const frontier: Array<number> = [0]
    while (frontier.length > 0 && out.length < limit) {
      const top = frontier[0]!
      const last = frontier.pop()!
      if (frontier.length > 0) {
        frontier[0] = last
        this.frontierDown(frontier)
      }
      const id = this.bucketHeap[top]!
      this.sort(id)
      for (let slot = this.head[id]!; slot !== NONE && out.length < limit; slot = this.i32[SLOT_INTS * slot + NEXT]!) {
        if (this.f64[SLOT_FLOATS * slot]! > now) return out // later buckets are later still
        out.push(this.dueTimer(slot))
      }
      for (let child = 2 * top + 1; child <= 2 * top + 2 && child < this.bucketHeapLength; child++) {
        if (this.bucketNumber[this.bucketHeap[child]!]! <= nowBucket) this.frontierPush(frontier, child)
      }
    }
    return out
  }

  /** Removes and marks fired up to `limit` armed timers due at `now`, earliest first. */
  takeDue(now: Instant, limit: number): Array<DueTimer> {
    const out: Array<DueTimer> = []
    const nowBucket = Math.floor(now / this.bucketWidth)
    while (out.length < limit && this.bucketHeapLength > 0) {
      const id = this.bucketHeap[0]!
      if (this.bucketNumber[id]! > nowBucket) break
      this.sort(id)
      let slot = this.head[id]!
      while (slot !== NONE && out.length < limit && this.f64[SLOT_FLOATS * slot]! <= now) {
        const following = this.i32[SLOT_INTS * slot + NEXT]!
        out.push(this.dueTimer(slot))
        this.fire(slot) // frees the bucket when it was its last timer
        slot = following
      }
      if (slot !== NONE) break // the limit was reached, or the rest of this bucket is not due
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
      dueAt: this.f64[SLOT_FLOATS * slot] as Instant,
      version: this.i32[SLOT_INTS * slot + VERSION]! >>> 0,
      fired: this.i32[SLOT_INTS * slot + BUCKET] === FIRED
    }
  }

  private dueTimer(slot: number): DueTimer {
    return {
      key: this.keys[slot] as TimerKey,
      dueAt: this.f64[SLOT_FLOATS * slot] as Instant,
      version: this.i32[SLOT_INTS * slot + VERSION]! >>> 0
    }
  }

  private allocate(key: string): number {
    let slot = this.freeSlots.pop()
    if (slot === undefined) {
      if (this.slotsUsed === this.slotCapacity) this.grow()
      slot = this.slotsUsed++
    }
    this.keys[slot] = key
    this.index.set(key, slot)
    return slot
  }

  private grow(): void {
    const capacity = this.slotCapacity * 2
    const buffer = new ArrayBuffer(capacity * SLOT_BYTES)
    const f64 = new Float64Array(buffer)
    f64.set(this.f64)
    const i32 = new Int32Array(buffer)
    for (let slot = this.slotCapacity; slot < capacity; slot++) i32[SLOT_INTS * slot + BUCKET] = FREE
    this.f64 = f64
    this.i32 = i32
    this.slotCapacity = capacity
    this.keys.length = capacity
  }

  /** Whether slot `a` comes before slot `b`: by due time, then by key. */
  private less(a: number, b: number): boolean {
    const dueA = this.f64[SLOT_FLOATS * a]!
    const dueB = this.f64[SLOT_FLOATS * b]!
    return dueA < dueB || (dueA === dueB && this.keys[a]! < this.keys[b]!)
  }

  private fire(slot: number): void {
    this.unlink(slot)
    this.i32[SLOT_INTS * slot + BUCKET] = FIRED
    this.firedCount++
  }

  /** Gives an armed slot a new due time (same bucket: relinked at its end). */
  private move(slot: number, dueAt: number): void {
    this.unlink(slot)
    this.f64[SLOT_FLOATS * slot] = dueAt
    this.link(slot, true)
  }

  /**
   * Appends `slot` (its `dueAt` set) to its bucket, creating the bucket when needed; a
   * new bucket enters the bucket heap at once when `ordered`, else at the end
   * (`fromRecords` heapifies once).
   */
  private link(slot: number, ordered: boolean): void {
    const number = Math.floor(this.f64[SLOT_FLOATS * slot]! / this.bucketWidth)
    let id = this.buckets.get(number)
    if (id === undefined) {
      id = this.allocateBucket(number)
      this.head[id] = slot
      this.i32[SLOT_INTS * slot + PREVIOUS] = NONE
      this.sorted[id] = 1
      const position = this.bucketHeapLength++
      this.bucketHeap[position] = id
      this.heapPosition[id] = position
      if (ordered) this.siftUp(position)
    } else {
      const last = this.tail[id]!
      this.i32[SLOT_INTS * last + NEXT] = slot
      this.i32[SLOT_INTS * slot + PREVIOUS] = last
      if (this.sorted[id] === 1 && this.less(slot, last)) this.sorted[id] = 0
    }
    this.tail[id] = slot
    this.i32[SLOT_INTS * slot + NEXT] = NONE
    this.i32[SLOT_INTS * slot + BUCKET] = id
    this.armedCount++
  }

  /** Takes an armed `slot` out of its bucket, dropping the bucket when it empties. */
  private unlink(slot: number): void {
    const id = this.i32[SLOT_INTS * slot + BUCKET]!
    const before = this.i32[SLOT_INTS * slot + PREVIOUS]!
    const after = this.i32[SLOT_INTS * slot + NEXT]!
    if (before === NONE) this.head[id] = after
    else this.i32[SLOT_INTS * before + NEXT] = after
    if (after === NONE) this.tail[id] = before
    else this.i32[SLOT_INTS * after + PREVIOUS] = before
    this.armedCount--
    if (this.head[id] === NONE) this.dropBucket(id)
  }

  /** Sorts the list of bucket `id` by `(dueAt, key)` unless it is sorted already. */
  private sort(id: number): void {
    if (this.sorted[id] === 1) return
    let length = 0
    for (let slot = this.head[id]!; slot !== NONE; slot = this.i32[SLOT_INTS * slot + NEXT]!) {
      if (length === this.scratch.length) {
        const larger = new Int32Array(this.scratch.length * 2)
        larger.set(this.scratch)
        this.scratch = larger
      }
      this.scratch[length++] = slot
    }
    const slots = this.scratch
    this.quicksort(slots, 0, length - 1)
    let before = NONE
    for (let i = 0; i < length; i++) {
      const slot = slots[i]!
      this.i32[SLOT_INTS * slot + PREVIOUS] = before
      if (before === NONE) this.head[id] = slot
      else this.i32[SLOT_INTS * before + NEXT] = slot
      before = slot
    }
    this.i32[SLOT_INTS * before + NEXT] = NONE
    this.tail[id] = before
    this.sorted[id] = 1
  }

  /**
   * Sorts `slots[low..high]` by `(dueAt, key)`: quicksort (median of three, recursing
   * into the smaller side) down to runs of 16, then insertion sort. Written out rather
   * than `Array.prototype.sort`, whose comparator calls cost more than the comparisons.
   */
  private quicksort(slots: Int32Array, low: number, high: number): void {
    while (high - low > 16) {
      const middle = (low + high) >>> 1
      if (this.less(slots[middle]!, slots[low]!)) this.swap(slots, middle, low)
      if (this.less(slots[high]!, slots[low]!)) this.swap(slots, high, low)
      if (this.less(slots[high]!, slots[middle]!)) this.swap(slots, high, middle)
      const pivot = slots[middle]!
      let i = low
      let j = high
      while (i <= j) {
        while (this.less(slots[i]!, pivot)) i++
        while (this.less(pivot, slots[j]!)) j--
        if (i <= j) this.swap(slots, i++, j--)
      }
      if (j - low < high - i) {
        this.quicksort(slots, low, j)
        low = i
      } else {
        this.quicksort(slots, i, high)
        high = j
      }
    }
    for (let i = low + 1; i <= high; i++) {
      const slot = slots[i]!
      let j = i - 1
      while (j >= low && this.less(slot, slots[j]!)) {
        slots[j + 1] = slots[j]!
        j--
      }
      slots[j + 1] = slot
    }
  }

  private swap(slots: Int32Array, a: number, b: number): void {
    const swap = slots[a]!
    slots[a] = slots[b]!
    slots[b] = swap
  }

  private allocateBucket(number: number): number {
    let id = this.freeBuckets.pop()
    if (id === undefined) {
      if (this.bucketsUsed === this.head.length) this.growBuckets()
      id = this.bucketsUsed++
    }
    this.bucketNumber[id] = number
    this.buckets.set(number, id)
    return id
  }

  private dropBucket(id: number): void {
    this.buckets.delete(this.bucketNumber[id]!)
    const position = this.heapPosition[id]!
    const lastPosition = --this.bucketHeapLength
    if (position !== lastPosition) {
      const last = this.bucketHeap[lastPosition]!
      this.bucketHeap[position] = last
      this.heapPosition[last] = position
      if (position > 0 && this.bucketNumber[last]! < this.bucketNumber[this.bucketHeap[(position - 1) >> 1]!]!) {
        this.siftUp(position)
      } else {
        this.siftDown(position)
      }
    }
    this.freeBuckets.push(id)
  }

  private growBuckets(): void {
    const capacity = this.head.length * 2
    const bucketNumber = new Float64Array(capacity)
    bucketNumber.set(this.bucketNumber)
    const head = new Int32Array(capacity)
    head.set(this.head)
    const tail = new Int32Array(capacity)
    tail.set(this.tail)
    const sorted = new Uint8Array(capacity)
    sorted.set(this.sorted)
    const heapPosition = new Int32Array(capacity)
    heapPosition.set(this.heapPosition)
    const bucketHeap = new Int32Array(capacity)
    bucketHeap.set(this.bucketHeap)
    this.bucketNumber = bucketNumber
    this.head = head
    this.tail = tail
    this.sorted = sorted
    this.heapPosition = heapPosition
    this.bucketHeap = bucketHeap
  }

  private siftUp(start: number): void {
    const heap = this.bucketHeap
    const id = heap[start]!
    const number = this.bucketNumber[id]!
    let position = start
    while (position > 0) {
      const parentPosition = (position - 1) >> 1
      const parent = heap[parentPosition]!
      if (this.bucketNumber[parent]! <= number) break
      heap[position] = parent
      this.heapPosition[parent] = position
      position = parentPosition
    }
    heap[position] = id
    this.heapPosition[id] = position
  }

  private siftDown(start: number): void {
    const heap = this.bucketHeap
    const length = this.bucketHeapLength
    const id = heap[start]!
    const number = this.bucketNumber[id]!
    let position = start
    for (;;) {
      const left = 2 * position + 1
      if (left >= length) break
      const right = left + 1
      const child = right < length && this.bucketNumber[heap[right]!]! < this.bucketNumber[heap[left]!]! ? right : left
      const childId = heap[child]!
      if (this.bucketNumber[childId]! >= number) break
      heap[position] = childId
      this.heapPosition[childId] = position
      position = child
    }
    heap[position] = id
    this.heapPosition[id] = position
  }

  private frontierLess(a: number, b: number): boolean {
    return this.bucketNumber[this.bucketHeap[a]!]! < this.bucketNumber[this.bucketHeap[b]!]!
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
