/**
 * Append-only typed arrays that double their storage when full: flat, compact buffers
 * for coordinates and ids whose final size is not known in advance.
 * @module
 */

/** A growable `Float64Array`. */
export class GrowableFloat64 {
  /** Storage; only the first `length` values are meaningful. */
  data: Float64Array
  /** Number of values pushed. */
  length = 0

  constructor(capacity = 1024) {
    this.data = new Float64Array(Math.max(16, capacity))
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = value
  }

  /** A copy holding exactly the values pushed. */
  toArray(): Float64Array {
    return this.data.slice(0, this.length)
  }
}

/** A growable `Int32Array`. */
export class GrowableInt32 {
  /** Storage; only the first `length` values are meaningful. */
  data: Int32Array
  /** Number of values pushed. */
  length = 0

  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity))
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2)
      next.set(this.data)
      this.data = next
    }
    this.data[this.length++] = value
  }

  /** A copy holding exactly the values pushed. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length)
  }
}
