export * as GeoJson from "./geojson/GeoJson"
