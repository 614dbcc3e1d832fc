// Jest loads global teardown files outside its module system; this one hands over to the
// TypeScript file beside it through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const module = await tsImport('./global-teardown.ts', import.meta.url);
  await module.default();
}
