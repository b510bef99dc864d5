import { describe, expect, it } from "@effect/vitest"
import { GrowableFloat64, GrowableInt32, GrowableUint8, GrowableUint32 } from "../src/geometry/GrowableArray"

describe("GrowableArray", () => {
  it("keeps every value pushed across growth, one at a time and in quadruples", () => {
    const values = new GrowableFloat64(16)
    for (let i = 0; i < 10; i++) values.push(i + 0.5)
    for (let i = 0; i < 10; i++) values.push4(i, -i, i * 0.25, Number.POSITIVE_INFINITY)
    expect(values.length).toBe(50)
    expect(values.data.length).toBe(64)
    const array = values.toArray()
    expect(array).toBeInstanceOf(Float64Array)
    expect(Array.from(array.subarray(0, 10))).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5])
    expect(Array.from(array.subarray(46, 50))).toEqual([9, -9, 2.25, Number.POSITIVE_INFINITY])
  })

  it("hands out a copy with toArray, and a view without copying only when the storage is mostly full", () => {
    const full = new GrowableInt32(16)
    for (let i = 0; i < 12; i++) full.push(-i - 1)
    const view = full.view()
    expect(view.buffer).toBe(full.data.buffer)
    expect(Array.from(view)).toEqual(Array.from({ length: 12 }, (_, i) => -i - 1))
    const copy = full.toArray()
    expect(copy.buffer).not.toBe(full.data.buffer)
    expect(copy).toEqual(view)

    const sparse = new GrowableInt32(64)
    sparse.push(7)
    const compact = sparse.view()
    expect(compact.buffer).not.toBe(sparse.data.buffer)
    expect(compact.buffer.byteLength).toBe(4)
    expect(Array.from(compact)).toEqual([7])
  })

  it("stores each element type as its typed array does", () => {
    const offsets = new GrowableUint32()
    offsets.push(4_294_967_295)
    offsets.push(-1)
    expect(offsets.toArray()).toEqual(Uint32Array.of(4_294_967_295, 4_294_967_295))
    const flags = new GrowableUint8(0)
    for (let i = 0; i < 100; i++) flags.push(i % 2)
    expect(flags.data.length).toBe(128)
    expect(flags.toArray()).toBeInstanceOf(Uint8Array)
    expect(flags.toArray().reduce((sum, v) => sum + v, 0)).toBe(50)
    expect(new GrowableInt32().toArray()).toEqual(new Int32Array(0))
  })
})
