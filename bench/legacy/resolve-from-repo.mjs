// Loader hooks for the legacy mrmd-monitor, which lives outside this repository without its own
// node_modules: a bare import it cannot resolve (yjs, y-websocket, lib0) is resolved from this
// repository's node_modules instead. Registered by register-resolve.mjs (`node --import`).
const repoPackage = new URL('../../package.json', import.meta.url).href;

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const bare = !/^(\.|\/|[a-z]+:)/i.test(specifier);
    if (!bare || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return next(specifier, { ...context, parentURL: repoPackage });
  }
}
