import { gridworkTsup } from "../../tsup.shared"

export default gridworkTsup({ entry: { index: "src/index.ts" }, bin: { cli: "src/cli/main.ts" } })
