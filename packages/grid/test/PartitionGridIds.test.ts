import { describe, expect, it } from "@effect/vitest"
import { GridIds } from "../src"

describe("GridIds", () => {
  it("formats and parses <community>-<n> (communities may contain dashes)", () => {
    expect(GridIds.format("12", 3)).toBe("12-3")
    expect(GridIds.parse("12-3")).toEqual({ community: "12", n: 3 })
    expect(GridIds.parse("north-ward-14")).toEqual({ community: "north-ward", n: 14 })
    expect(GridIds.parse("no-number-x")).toBeUndefined()
    expect(GridIds.parse("-3")).toBeUndefined()
  })

  it("mints above the high-water mark and never hands out a retired id", () => {
    const minter = new GridIds.Minter({ A: 7 })
    // A-3 was retired long ago; A-7 was the last minted (and retired too).
    minter.observe("A-2")
    expect(minter.mint("A")).toBe("A-8")
    expect(minter.mint("B")).toBe("B-1")
    minter.observe("B-10")
    expect(minter.mint("B")).toBe("B-11")
    expect(minter.highWater()).toEqual({ A: 8, B: 11 })
  })
})
