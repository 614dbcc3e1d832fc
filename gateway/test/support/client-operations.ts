import { buildSchema, Kind, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Tests that send operations over the limits on purpose: no client sends those. */
const OVER_THE_LIMITS = new Set(['tests/operation-limits.test.ts']);

/** The API schema clients see. */
export const apiSchema = (): GraphQLSchema => buildSchema(readFileSync(join(ROOT, 'schema/api.graphql'), 'utf8'));

/** An operation a client of this API sends, and where it was found. */
export interface ClientOperation {
  file: string;
  document: DocumentNode;
  text: string;
}

function filesUnder(directory: string, accept: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path, accept));
    else if (accept(path)) found.push(path);
  }
  return found;
}

/** Every string of a TypeScript file; a template's substitutions read as `0` (an ID, an Int and a string alike). */
function stringsOf(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const strings: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) strings.push(node.text);
    else if (ts.isTemplateExpression(node)) strings.push(node.head.text + node.templateSpans.map((span) => `0${span.literal.text}`).join(''));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return strings;
}

/** The ```graphql blocks of a Markdown file. */
function graphqlBlocksOf(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/**
 * The operations real clients of this API send, collected from where they are written: the
 * README's examples, every test (end-to-end and per subgraph) and the benchmarks. A string is
 * one when it parses as GraphQL and is valid against the API schema (subgraph tests also send
 * `_entities` lookups, and tests send invalid documents on purpose: clients send neither).
 */
export function clientOperations(schema: GraphQLSchema): ClientOperation[] {
  const typescript = (path: string) => path.endsWith('.ts');
  const sources: { file: string; texts: string[] }[] = [
    ...filesUnder(ROOT, (path) => path.endsWith('README.md') && !path.includes('node_modules')).map((file) => ({ file, texts: graphqlBlocksOf(file) })),
    ...[join(ROOT, 'tests'), join(ROOT, 'bench'), ...readdirSync(join(ROOT, 'subgraphs')).map((name) => join(ROOT, 'subgraphs', name, 'test'))]
      .flatMap((directory) => filesUnder(directory, typescript))
      .map((file) => ({ file, texts: stringsOf(file) })),
  ];
  const operations: ClientOperation[] = [];
  const seen = new Set<string>();
  for (const { file, texts } of sources) {
    if (OVER_THE_LIMITS.has(relative(ROOT, file))) continue;
    for (const text of texts) {
      if (seen.has(text) || !/\b(query|mutation|subscription)\b|^\s*\{/.test(text)) continue;
      let document: DocumentNode;
      try {
        document = parse(text);
      } catch {
        continue;
      }
      if (!document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION)) continue;
      if (validate(schema, document).length > 0) continue;
      seen.add(text);
      operations.push({ file: relative(ROOT, file), document, text });
    }
  }
  return operations;
}
