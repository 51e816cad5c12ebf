// `GET /api/docs` (issue 17): the OpenAPI document as one HTML page rendered here, with no
// script and no remote asset, under a CSP that allows only its own inline style (by hash). Works
// on a gallery machine with no internet, and a page cannot be turned into a way to run scripts.
import { createHash } from 'node:crypto';

type Json = Record<string, any>;

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 4rem; color: #1b1f24; background: #f6f7f9; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d0d4da; }
.op { background: #fff; border: 1px solid #d0d4da; border-radius: 8px; padding: 0.6rem 0.9rem; margin: 0.6rem 0; }
.method { display: inline-block; min-width: 4.2rem; font-weight: 700; font-family: ui-monospace, monospace; }
.path { font-family: ui-monospace, monospace; font-weight: 600; }
.open { color: #1a7f37; font-size: 0.85rem; margin-left: 0.5rem; }
pre { background: #f0f2f5; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; border-radius: 6px; }
summary { cursor: pointer; color: #3b5bdb; }
@media (prefers-color-scheme: dark) { body { background: #12151b; color: #e6e9ee; } .op { background: #1a1e26; border-color: #2c323d; } pre { background: #0e1116; } h2 { border-color: #2c323d; } }
`;

export const API_DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function apiDocsPage(document: Json): string {
  const schemas: Json = document.components?.schemas ?? {};
  const sections = new Map<string, string[]>();
  for (const [path, operations] of Object.entries(document.paths as Json)) {
    for (const [method, operation] of Object.entries(operations as Json)) {
      const tag = (operation.tags?.[0] as string | undefined) ?? 'other';
      const open = Array.isArray(operation.security) && operation.security.length === 0;
      const parts = [
        `<div class="op" id="${escape(`${method}-${path}`)}"><span class="method">${method.toUpperCase()}</span> <span class="path">${escape(path)}</span>${open ? '<span class="open">no token</span>' : ''}`,
        `<div>${escape(operation.summary ?? '')}</div>`,
      ];
      for (const parameter of operation.parameters ?? []) parts.push(`<div>${escape(parameter.in)} <code>${escape(parameter.name)}</code> ${escape(parameter.description ?? '')}</div>`);
      const body = operation.requestBody?.content?.['application/json']?.schema;
      if (body) parts.push(schemaBlock('Request body', body, schemas));
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        const schema = response.content?.['application/json']?.schema;
        if (Number(status) < 300) parts.push(schema ? schemaBlock(`${status}: ${response.description}`, schema, schemas) : `<div>${escape(status)}: ${escape(response.description)}</div>`);
      }
      parts.push('</div>');
      (sections.get(tag) ?? sections.set(tag, []).get(tag)!).push(parts.join('\n'));
    }
  }
  const tags: Json[] = document.tags ?? [];
  const body = [...sections.entries()]
    .map(([tag, operations]) => {
      const description = tags.find((entry) => entry.name === tag)?.description ?? '';
      return `<h2>${escape(tag)}</h2><p>${escape(description)}</p>${operations.join('\n')}`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info?.title ?? 'API')}</title><style>${STYLE}</style></head>
<body><h1>${escape(document.info?.title ?? 'API')} <small>${escape(document.info?.version ?? '')}</small></h1>
<p>${escape(document.info?.description ?? '')}</p>
<p>The machine-readable document: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI ${escape(document.openapi ?? '')}).</p>
${body}
</body></html>`;
}

/** A schema with its `$ref`s shown inline one level deep, so each route reads on its own. */
function schemaBlock(title: string, schema: Json, schemas: Json): string {
  const shown = typeof schema.$ref === 'string' ? (schemas[schema.$ref.split('/').pop() ?? ''] ?? schema) : schema;
  return `<details><summary>${escape(title)}</summary><pre>${escape(JSON.stringify(shown, null, 2))}</pre></details>`;
}

function escape(text: string): string {
  return String(text).replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
