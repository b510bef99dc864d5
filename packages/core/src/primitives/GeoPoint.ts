/**
 * Geographic points in WGS 84 (EPSG:4326), longitude first as in GeoJSON (RFC 7946).
 * @module
 */
import { Schema } from "effect"

/** A WGS 84 position: longitude in [-180, 180], latitude in [-90, 90], degrees. */
export class GeoPoint extends Schema.Class<GeoPoint>("@gridwork/core/GeoPoint")({
  lon: Schema.Finite.check(Schema.isBetween({ minimum: -180, maximum: 180 })),
  lat: Schema.Finite.check(Schema.isBetween({ minimum: -90, maximum: 90 }))
}) {}
