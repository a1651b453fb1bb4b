// Loaded with `--import` in a child process: records the package behind every module the process
// resolves into the file named by RECORD_IMPORTS_FILE, so a test can check what a command loads.
import { register } from 'node:module';

const file = process.env.RECORD_IMPORTS_FILE;
if (file) register('./record-imports-hooks.mjs', import.meta.url, { data: { file } });
