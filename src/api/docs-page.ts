type Doc = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function asRecord(value: unknown): Doc {
  return typeof value === 'object' && value !== null ? (value as Doc) : {};
}

/** One table row per operation; the document is ours, but everything is escaped anyway. */
function rows(doc: Doc): string {
  const out: string[] = [];
  for (const [path, item] of Object.entries(asRecord(doc.paths))) {
    for (const method of METHODS) {
      const op = asRecord(asRecord(item)[method]);
      if (Object.keys(op).length === 0) continue;
      const open = Array.isArray(op.security) && op.security.length === 0;
      const statuses = Object.keys(asRecord(op.responses)).join(' ');
      out.push(
        `<tr><td class="m ${method}">${method.toUpperCase()}</td><td><code>${escapeHtml(path)}</code></td>` +
          `<td>${escapeHtml(text(op.summary))}</td><td>${open ? 'open' : 'token'}</td>` +
          `<td>${escapeHtml(statuses)}</td></tr>`,
      );
    }
  }
  return out.join('\n');
}

/** `/docs`: a plain page listing the endpoints of the OpenAPI document; no scripts, no CDN. */
export function renderDocsPage(doc: Doc): string {
  const info = asRecord(doc.info);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(text(info.title, 'API'))} API</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem;color:#222}
table{border-collapse:collapse}td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}
.m{font-weight:bold;font-family:monospace}.get{color:#2a7}.post{color:#27c}.delete{color:#c33}
</style></head><body>
<h1>${escapeHtml(text(info.title, 'API'))} <small>${escapeHtml(text(info.version))}</small></h1>
<p>${escapeHtml(text(info.description))}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a>. Send <code>Authorization: Bearer &lt;token&gt;</code> where the auth column says token.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Auth</th><th>Answers</th></tr></thead>
<tbody>
${rows(doc)}
</tbody></table></body></html>`;
}
