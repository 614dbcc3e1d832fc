export { buildPlayground, ensurePlayground, playgroundIsBuilt, PLAYGROUND_ASSETS_DIR } from './build.js';
export { createPlaygroundHandler, PLAYGROUND_ASSET_PATH, PLAYGROUND_CSP } from './serve.js';
