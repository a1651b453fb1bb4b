// Module hooks (run on Node's loader thread): append each resolved package name once.
import { appendFileSync } from 'node:fs';

let file;
const seen = new Set();

export function initialize(data) {
  file = data.file;
}

function packageOf(url) {
  const at = url.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const parts = url.slice(at + '/node_modules/'.length).split('/');
  return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

export async function resolve(specifier, context, nextResolve) {
  const result = await nextResolve(specifier, context);
  const name = packageOf(result.url);
  if (name && !seen.has(name)) {
    seen.add(name);
    appendFileSync(file, `${name}\n`);
  }
  return result;
}
