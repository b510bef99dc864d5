import { defineConfig } from "tsup"

export default defineConfig([
  {
    entry: { index: "src/index.ts" },
    format: ["esm"],
    dts: true,
    clean: true,
    sourcemap: true,
    target: "node22"
  },
  {
    // The `gridwork-accountability` executable (what `npm start` runs).
    entry: { main: "src/main.ts" },
    format: ["esm"],
    dts: false,
    clean: false,
    sourcemap: true,
    target: "node22",
    banner: { js: "#!/usr/bin/env node" }
  }
])
