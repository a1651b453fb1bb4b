// tsc copies only .ts output; the Lua scripts and dashboard assets are read at run time beside
// the compiled modules, so they are copied across after the build.
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = /\.(lua|html|css|svg)$/;

function copy(dir) {
  for (const name of readdirSync(dir)) {
    const from = join(dir, name);
    if (statSync(from).isDirectory()) copy(from);
    else if (ASSET.test(name)) cpSync(from, from.replace(/^src/, 'dist'));
  }
}

if (existsSync('src')) copy('src');
