/**
 * A self-contained HTML page listing a service's operations from its OpenAPI
 * document: method, path, summary, authentication and permission, parameters, request
 * and response schemas, problem responses, and the component schemas. No script, no
 * external assets (the page works on machines without internet); its one inline
 * stylesheet is allowed by hash in the kit's `Content-Security-Policy`.
 *
 * @example
 * ```ts
 * import { DocsPage, OpenApi } from "@gridwork/service-kit"
 *
 * const document = OpenApi.make({ title: "Demo", version: "1.0.0" }, [])
 * const html = DocsPage.render(document)
 * ```
 * @module
 */
import { createHash } from "node:crypto"
import type { Document, Operation } from "./OpenApi"

/** The page's stylesheet (inline; allowed by {@link STYLE_HASH}). */
export const STYLE = `
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1b1f24;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
section.op{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.method{display:inline-block;min-width:4.5rem;font-weight:700;font-family:monospace}
.GET{color:#0969da}.POST{color:#1a7f37}.PUT{color:#9a6700}.PATCH{color:#8250df}.DELETE{color:#cf222e}
code,pre{font-family:ui-monospace,monospace;font-size:.85rem}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top}
.muted{color:#57606a}
`

/** `'sha256-...'` source of {@link STYLE} for `style-src`. */
export const STYLE_HASH = `'sha256-${createHash("sha256").update(STYLE).digest("base64")}'`

/** Escapes text for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")

const json = (value: unknown): string => `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`

const renderOperation = (path: string, method: string, operation: Operation): string => {
  const upper = method.toUpperCase()
  const auth =
    operation.security.length === 0
      ? "no authentication"
      : operation.security.some((entry) => Object.keys(entry).length === 0)
        ? "bearer token optional"
        : "bearer token required"
  const parts: Array<string> = [
    `<section class="op" id="${escapeHtml(operation.operationId)}">`,
    `<h3><span class="method ${escapeHtml(upper)}">${escapeHtml(upper)}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p>${escapeHtml(operation.summary ?? "")} <span class="muted">(${escapeHtml(operation.operationId)}; ${auth}${
      operation["x-permission"] === undefined
        ? ""
        : `; permission <code>${escapeHtml(operation["x-permission"])}</code>`
    })</span></p>`
  ]
  if (operation.description !== undefined) parts.push(`<p>${escapeHtml(operation.description)}</p>`)
  if (operation.parameters !== undefined && operation.parameters.length > 0) {
    parts.push("<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>")
    for (const parameter of operation.parameters) {
      parts.push(
        `<tr><td><code>${escapeHtml(parameter.name)}</code></td><td>${parameter.in}</td><td>${
          parameter.required ? "yes" : "no"
        }</td><td><code>${escapeHtml(JSON.stringify(parameter.schema))}</code></td></tr>`
      )
    }
    parts.push("</table>")
  }
  const body = operation.requestBody?.content["application/json"]
  if (body !== undefined) parts.push(`<h4>Request body (application/json)</h4>${json(body.schema)}`)
  parts.push("<h4>Responses</h4><table><tr><th>status</th><th>description</th><th>schema</th></tr>")
  for (const [status, response] of Object.entries(operation.responses)) {
    const content = response.content === undefined ? undefined : Object.entries(response.content)[0]
    parts.push(
      `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(response.description)}</td><td>${
        content === undefined
          ? ""
          : `<code>${escapeHtml(content[0])}</code> <code>${escapeHtml(JSON.stringify(content[1].schema))}</code>`
      }</td></tr>`
    )
  }
  parts.push("</table></section>")
  return parts.join("\n")
}

/** The page for a document. */
export const render = (document: Document): string => {
  const operations: Array<string> = []
  const index: Array<string> = []
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operations.push(renderOperation(path, method, operation))
      index.push(
        `<li><a href="#${escapeHtml(operation.operationId)}"><span class="method ${escapeHtml(
          method.toUpperCase()
        )}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></a> ${escapeHtml(
          operation.summary ?? ""
        )}</li>`
      )
    }
  }
  const schemas = Object.entries(document.components.schemas).map(
    ([name, schema]) => `<h3 id="schema-${escapeHtml(name)}"><code>${escapeHtml(name)}</code></h3>${json(schema)}`
  )
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(document.info.title)} ${escapeHtml(document.info.version)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>${escapeHtml(document.info.title)}</h1>`,
    `<p class="muted">version ${escapeHtml(document.info.version)} · OpenAPI ${escapeHtml(
      document.openapi
    )} · <a href="openapi.json">openapi.json</a></p>`,
    document.info.description === undefined ? "" : `<p>${escapeHtml(document.info.description)}</p>`,
    "<p>Errors are <code>application/problem+json</code> (RFC 9457). POST and PATCH need an <code>Idempotency-Key</code> header (UUIDv7 or UUIDv4).</p>",
    `<h2>Operations</h2><ul>${index.join("\n")}</ul>`,
    operations.join("\n"),
    `<h2>Schemas</h2>${schemas.join("\n")}`,
    "</body></html>"
  ].join("\n")
}
