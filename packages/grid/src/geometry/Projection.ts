/**
 * Spherical Lambert azimuthal equal-area projection (EPSG method 9821 on the authalic
 * sphere), centred on the data.
 *
 * Areas are preserved everywhere and shapes are nearly true close to the centre, which
 * is what compactness scores (Polsby-Popper) and metre-based tolerances need. Axes point
 * east (x) and north (y), so a ring that is counter-clockwise in longitude/latitude stays
 * counter-clockwise once projected.
 * @module
 */

/** Radius (m) of the sphere with the same surface as the WGS84 ellipsoid. */
export const AUTHALIC_RADIUS = 6_371_007.181

const DEG = Math.PI / 180

/** A Lambert azimuthal equal-area projection centred on `(lon0, lat0)` (degrees). */
export interface Projection {
  /** Longitude of the centre, degrees. */
  readonly lon0: number
  /** Latitude of the centre, degrees. */
  readonly lat0: number
  /** Projects `(lon, lat)` (degrees) to metres, writing x at `out[offset]` and y at `out[offset + 1]`. */
  readonly forwardInto: (lon: number, lat: number, out: Float64Array, offset: number) => void
  /** Un-projects metres to `[lon, lat]` (degrees). */
  readonly inverse: (x: number, y: number) => readonly [number, number]
}

/** Builds the projection centred on `(lon0, lat0)` (degrees). */
export const make = (lon0: number, lat0: number): Projection => {
  const lambda0 = lon0 * DEG
  const phi0 = lat0 * DEG
  const sinPhi0 = Math.sin(phi0)
  const cosPhi0 = Math.cos(phi0)
  const R = AUTHALIC_RADIUS
  const forwardInto = (lon: number, lat: number, out: Float64Array, offset: number): void => {
    const phi = lat * DEG
    const dl = lon * DEG - lambda0
    const sinPhi = Math.sin(phi)
    const cosPhi = Math.cos(phi)
    const cosDl = Math.cos(dl)
    const denominator = 1 + sinPhi0 * sinPhi + cosPhi0 * cosPhi * cosDl
    // The antipode of the centre has no image; clamp to keep the arithmetic finite.
    const k = Math.sqrt(2 / Math.max(denominator, 1e-12))
    out[offset] = R * k * cosPhi * Math.sin(dl)
    out[offset + 1] = R * k * (cosPhi0 * sinPhi - sinPhi0 * cosPhi * cosDl)
  }
  const inverse = (x: number, y: number): readonly [number, number] => {
    const rho = Math.hypot(x, y)
    if (rho === 0) return [lon0, lat0]
    const c = 2 * Math.asin(Math.min(1, rho / (2 * R)))
    const sinC = Math.sin(c)
    const cosC = Math.cos(c)
    const phi = Math.asin(Math.max(-1, Math.min(1, cosC * sinPhi0 + (y * sinC * cosPhi0) / rho)))
    const lambda = lambda0 + Math.atan2(x * sinC, rho * cosPhi0 * cosC - y * sinPhi0 * sinC)
    return [lambda / DEG, phi / DEG]
  }
  return { lon0, lat0, forwardInto, inverse }
}

/**
 * Builds the projection centred on the middle of a longitude/latitude bounding box
 * `[minLon, minLat, maxLon, maxLat]`.
 */
export const centredOn = (bbox: readonly [number, number, number, number]): Projection =>
  make((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
