// Jest loads global setup files outside its module system; this one hands over to the
// TypeScript file beside it through tsx.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const module = await tsImport('./global-setup.ts', import.meta.url);
  await module.default();
}
