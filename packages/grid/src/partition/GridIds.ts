/**
 * Grid ids: `<community>-<n>`, e.g. `12-7` for the 7th grid ever minted in community
 * `12`. Readable on a public notice board, deterministic for the same input, and safe to
 * keep across re-divisions: each community has a high-water mark (the largest `n`
 * minted so far) carried in the grids file, new grids get `n` above it, so an id that
 * was retired is never handed out again.
 * @module
 */

/** Largest sequence number minted per community. */
export type HighWater = Readonly<Record<string, number>>

/** Formats the id of grid `n` of `community`. */
export const format = (community: string, n: number): string => `${community}-${n}`

/**
 * Splits an id into community and sequence number (the digits after the last `-`), or
 * `undefined` when it does not have that form.
 */
export const parse = (id: string): { readonly community: string; readonly n: number } | undefined => {
  const at = id.lastIndexOf("-")
  if (at <= 0 || at === id.length - 1) return undefined
  const digits = id.slice(at + 1)
  if (!/^[0-9]+$/.test(digits)) return undefined
  return { community: id.slice(0, at), n: Number(digits) }
}

/** Mints ids above a high-water mark, per community. */
export class Minter {
  private readonly marks = new Map<string, number>()

  constructor(highWater: HighWater = {}) {
    for (const [community, n] of Object.entries(highWater)) this.marks.set(community, n)
  }

  /** Records that `id` exists (raises the mark when it has the `<community>-<n>` form). */
  observe(id: string): void {
    const parsed = parse(id)
    if (parsed === undefined) return
    if (parsed.n > (this.marks.get(parsed.community) ?? 0)) this.marks.set(parsed.community, parsed.n)
  }

  /** A new id for `community`, never minted before. */
  mint(community: string): string {
    const n = (this.marks.get(community) ?? 0) + 1
    this.marks.set(community, n)
    return format(community, n)
  }

  /** The marks, as a plain object with communities in sorted order. */
  highWater(): HighWater {
    const out: Record<string, number> = {}
    for (const key of Array.from(this.marks.keys()).sort()) out[key] = this.marks.get(key)!
    return out
  }
}
