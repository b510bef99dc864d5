import { gridworkTsup } from "../../tsup.shared"

export default gridworkTsup({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  external: ["vitest", "@effect/vitest"]
})
