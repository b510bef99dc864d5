/**
 * Append-only typed arrays that double their storage when full: flat, compact buffers
 * for coordinates, ids and offsets whose final size is not known in advance.
 *
 * The logic lives once in {@link Growable}; {@link GrowableFloat64}, {@link GrowableInt32},
 * {@link GrowableUint32} and {@link GrowableUint8} only choose the element type.
 * @module
 */

/** The typed arrays a {@link Growable} can hold. */
export type TypedArray = Float64Array | Int32Array | Uint32Array | Uint8Array

/** A growable typed array; use one of the subclasses. */
export abstract class Growable<A extends TypedArray> {
  /** Storage; only the first `length` values are meaningful. */
  data: A
  /** Number of values pushed. */
  length = 0
  readonly #allocate: (length: number) => A

  /**
   * @param capacity - initial storage, in values (at least 16)
   * @param allocate - makes a zeroed array of the element type
   */
  protected constructor(capacity: number, allocate: (length: number) => A) {
    this.#allocate = allocate
    this.data = allocate(Math.max(16, capacity))
  }

  /** Doubles the storage until `needed` values fit. */
  #grow(needed: number): void {
    let size = this.data.length * 2
    while (size < needed) size *= 2
    const next = this.#allocate(size)
    next.set(this.data)
    this.data = next
  }

  /** Appends a value. */
  push(value: number): void {
    if (this.length === this.data.length) this.#grow(this.length + 1)
    this.data[this.length++] = value
  }

  /** Appends four values (one record of a flat array of quadruples). */
  push4(a: number, b: number, c: number, d: number): void {
    const o = this.length
    if (o + 4 > this.data.length) this.#grow(o + 4)
    const data = this.data
    data[o] = a
    data[o + 1] = b
    data[o + 2] = c
    data[o + 3] = d
    this.length = o + 4
  }

  /** A copy holding exactly the values pushed. */
  toArray(): A {
    const copy = this.#allocate(this.length)
    copy.set(this.data.subarray(0, this.length))
    return copy
  }

  /**
   * The values pushed, without copying when at least three quarters of the storage is
   * used (a view sharing this array's buffer: push nothing more), else a compact copy.
   */
  view(): A {
    return this.length * 4 >= this.data.length * 3 ? (this.data.subarray(0, this.length) as A) : this.toArray()
  }
}

/** A growable `Float64Array`. */
export class GrowableFloat64 extends Growable<Float64Array> {
  /** @param capacity - initial storage, in values (at least 16) */
  constructor(capacity = 1024) {
    super(capacity, (length) => new Float64Array(length))
  }
}

/** A growable `Int32Array`. */
export class GrowableInt32 extends Growable<Int32Array> {
  /** @param capacity - initial storage, in values (at least 16) */
  constructor(capacity = 1024) {
    super(capacity, (length) => new Int32Array(length))
  }
}

/** A growable `Uint32Array`. */
export class GrowableUint32 extends Growable<Uint32Array> {
  /** @param capacity - initial storage, in values (at least 16) */
  constructor(capacity = 1024) {
    super(capacity, (length) => new Uint32Array(length))
  }
}

/** A growable `Uint8Array`. */
export class GrowableUint8 extends Growable<Uint8Array> {
  /** @param capacity - initial storage, in values (at least 16) */
  constructor(capacity = 1024) {
    super(capacity, (length) => new Uint8Array(length))
  }
}
