#!/usr/bin/env node
// Runs jest with native ES modules from anywhere in the workspace, passing arguments through.
// Usage: node scripts/jest.mjs [path filter] [jest options]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const jest = join(dirname(createRequire(join(root, 'package.json')).resolve('jest/package.json')), 'bin', 'jest.js');
const result = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', '--conditions=source', '--no-warnings=ExperimentalWarning', jest, '--config', join(root, 'jest.config.mjs'), '--rootDir', root, ...process.argv.slice(2)],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
