// Monaco runs its language services in web workers. They are bundled beside the page (see
// gateway/src/playground/build.ts) and started from this origin: no CDN, no blob: URLs.
const workerUrl = (name: string) => new URL(`${name}.worker.js`, document.baseURI).toString();

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string) {
    if (label === 'json') return new Worker(workerUrl('json'));
    if (label === 'graphql') return new Worker(workerUrl('graphql'));
    return new Worker(workerUrl('editor'));
  },
};
