/**
 * A binary min-heap of `(priority, item)` pairs in typed arrays. Ties on priority are
 * broken by the smaller item, so every run pops in the same order.
 * @module
 */

/** Min-heap keyed by a float priority, holding integer items. */
export class MinHeap {
  private priorities: Float64Array
  private items: Int32Array
  private count = 0

  constructor(capacity = 64) {
    this.priorities = new Float64Array(Math.max(4, capacity))
    this.items = new Int32Array(Math.max(4, capacity))
  }

  /** Number of entries. */
  get size(): number {
    return this.count
  }

  /** Removes every entry (keeps the storage). */
  clear(): void {
    this.count = 0
  }

  private less(i: number, j: number): boolean {
    const pi = this.priorities[i]!
    const pj = this.priorities[j]!
    return pi < pj || (pi === pj && this.items[i]! < this.items[j]!)
  }

  private swap(i: number, j: number): void {
    const p = this.priorities[i]!
    this.priorities[i] = this.priorities[j]!
    this.priorities[j] = p
    const t = this.items[i]!
    this.items[i] = this.items[j]!
    this.items[j] = t
  }

  /** Adds `item` with `priority`. */
  push(item: number, priority: number): void {
    if (this.count === this.items.length) {
      const p = new Float64Array(this.count * 2)
      p.set(this.priorities)
      this.priorities = p
      const it = new Int32Array(this.count * 2)
      it.set(this.items)
      this.items = it
    }
    let i = this.count++
    this.priorities[i] = priority
    this.items[i] = item
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  /** Removes and returns the item with the smallest priority, or -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1
    const top = this.items[0]!
    this.count--
    if (this.count > 0) {
      this.priorities[0] = this.priorities[this.count]!
      this.items[0] = this.items[this.count]!
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < this.count && this.less(l, m)) m = l
        if (r < this.count && this.less(r, m)) m = r
        if (m === i) break
        this.swap(i, m)
        i = m
      }
    }
    return top
  }
}
