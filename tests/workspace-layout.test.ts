// The dependency direction of the workspace: packages/ holds libraries the apps build on; the
// gateway and the subgraphs are apps, and only the composition root (single-process/) puts
// them together. A library importing an app would turn that upside down. Every subgraph is
// built in one shape (README, "Layout"): a resolver file is typed by the generated resolvers,
// thin, and reaches the domain through services and loaders.
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
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

const SUBGRAPHS = readdirSync(join(REPO_ROOT, 'subgraphs'));

const filesOf = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.ts')) : []);

describe('every subgraph', () => {
  it.each(SUBGRAPHS)('%s has the common folders and files', (name) => {
    const dir = join(REPO_ROOT, 'subgraphs', name);
    const expected = ['schema.graphql', 'codegen.ts', 'src/generated/graphql.ts', 'src/generated/tables.ts', 'src/db/database.ts', 'src/resolvers/index.ts', 'src/services', 'src/repositories', 'src/loaders/index.ts', 'src/context.ts', 'src/server.ts', 'src/index.ts'];
    expect(expected.filter((path) => !existsSync(join(dir, path)))).toEqual([]);
  });

  it.each(SUBGRAPHS)('%s: resolver files are typed by the generated resolvers and reach only services, loaders and the kit', (name) => {
    const dir = join(REPO_ROOT, 'subgraphs', name, 'src', 'resolvers');
    const problems: string[] = [];
    for (const file of filesOf(dir)) {
      const source = readFileSync(join(dir, file), 'utf8');
      for (const path of specifiers(source)) {
        if (path.startsWith('../repositories/') || path === 'kysely') problems.push(`${file} imports ${path}: SQL belongs in repositories, reached through services`);
        if (file !== 'index.ts' && path.startsWith('./')) problems.push(`${file} imports ${path}: shared logic belongs in services`);
      }
      if (/\bas\s+GraphQLResolverMap\b|GraphQLResolverMap/.test(source)) problems.push(`${file} names GraphQLResolverMap`);
      if (file === 'index.ts') {
        if (!/export const resolvers: Resolvers\b/.test(source)) problems.push('index.ts does not type its map as the generated Resolvers');
        continue;
      }
      const type = file.replace(/\.ts$/, '');
      if (!new RegExp(`export const ${type}: ${type}Resolvers\\b`).test(source)) problems.push(`${file} does not export ${type} typed as ${type}Resolvers`);
    }
    expect(problems).toEqual([]);
  });
});
