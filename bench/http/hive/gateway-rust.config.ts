// Hive Gateway with Hive Router's runtime (its Rust query planner and the executor of its plans)
// for the HTTP benchmark: gateway.config.ts, the same subgraphs, caller plugin and logging, plus
// the router runtime's `unifiedGraphHandler`, as Hive's documentation configures it.
//
// The runtime is loaded here rather than with the CLI's --hive-router-runtime flag because the
// CLI falls back to its JavaScript planner with a warning when the package does not load; here a
// missing or broken package stops the gateway, so a run never reports the JavaScript planner's
// figures under the Rust planner's name.
//
// The package lives in Hive's own install directory (bench/.hive-rust, the CLI's working
// directory, see ../servers.ts), outside the workspace and its type check. Its ES module entry is
// imported, the one the CLI itself would import, so that it shares the gateway's copies of the
// libraries both use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gatewayConfig as javascriptPlannerConfig } from './gateway.config.js';

const PACKAGE = '@graphql-hive/router-runtime';

interface PackageManifest {
  exports?: Record<string, { import?: { default?: string } } | string>;
}

/** The router runtime's `unifiedGraphHandler`, from the install in `installDir`. */
async function routerRuntimeHandler(installDir: string): Promise<unknown> {
  const manifestFile = createRequire(join(installDir, 'package.json')).resolve(`${PACKAGE}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as PackageManifest;
  const root = manifest.exports?.['.'];
  const entry = typeof root === 'object' ? root.import?.default : undefined;
  if (!entry) throw new Error(`${manifestFile} names no ES module entry`);
  const loaded = (await import(pathToFileURL(join(dirname(manifestFile), entry)).href)) as { unifiedGraphHandler?: unknown };
  if (typeof loaded.unifiedGraphHandler !== 'function') throw new Error(`${PACKAGE} exports no unifiedGraphHandler`);
  return loaded.unifiedGraphHandler;
}

export const gatewayConfig = {
  ...javascriptPlannerConfig,
  unifiedGraphHandler: await routerRuntimeHandler(process.cwd()),
};
