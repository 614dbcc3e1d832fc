// The dependency direction of the workspace: packages/ holds libraries the apps build on; the
// gateway and the subgraphs are apps, and only the composition root (single-process/) puts
// them together. A library importing an app would turn that upside down.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { REPO_ROOT } from './support/start-command.js';

const foldersUnder = (folder: string) =>
  readdirSync(join(REPO_ROOT, folder))
    .map((name) => join(REPO_ROOT, folder, name))
    .filter((dir) => statSync(dir).isDirectory());

const manifest = (dir: string) =>
  JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string } & Partial<Record<'dependencies' | 'devDependencies' | 'peerDependencies', Record<string, string>>>;

/** The apps and the composition root: what no library may depend on. */
const appDirs = [join(REPO_ROOT, 'gateway'), ...foldersUnder('subgraphs'), join(REPO_ROOT, 'single-process')];
const appNames = new Set(appDirs.map((dir) => manifest(dir).name));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    return /\.[cm]?[jt]s$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of a file: static imports and exports, and dynamic `import()`. */
const specifiers = (source: string) =>
  [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]!);

/** What a library's file reaches of the apps: package names, or relative paths into them. */
function appImports(file: string): string[] {
  return specifiers(readFileSync(file, 'utf8')).filter((specifier) => {
    if (specifier.startsWith('.')) {
      const target = resolve(dirname(file), specifier);
      return appDirs.some((dir) => target === dir || target.startsWith(dir + sep));
    }
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
    return appNames.has(name);
  });
}

describe('packages/', () => {
  const libraries = foldersUnder('packages');

  it('holds libraries only: the composition root lives beside the apps it composes', () => {
    expect(appNames).toContain('@academy/single-process');
    expect(libraries.map((dir) => manifest(dir).name)).not.toContain('@academy/single-process');
  });

  it.each(libraries.map((dir) => [relative(REPO_ROOT, dir), dir] as const))('%s depends on no app in its package.json', (_name, dir) => {
    const { dependencies = {}, devDependencies = {}, peerDependencies = {} } = manifest(dir);
    const named = Object.keys({ ...dependencies, ...devDependencies, ...peerDependencies });
    expect(named.filter((name) => appNames.has(name))).toEqual([]);
  });

  it.each(libraries.map((dir) => [relative(REPO_ROOT, dir), dir] as const))('%s imports no app from its sources', (_name, dir) => {
    const found = sourceFiles(join(dir, 'src')).flatMap((file) => appImports(file).map((specifier) => `${relative(REPO_ROOT, file)}: ${specifier}`));
    expect(found).toEqual([]);
  });
});
