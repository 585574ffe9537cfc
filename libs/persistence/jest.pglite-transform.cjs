// PGlite's CommonJS build loads Node built-ins with import(), which Jest's CommonJS runtime refuses
// without --experimental-vm-modules; require() of the same built-ins is equivalent there. The module's
// own require is captured first because the bundled Emscripten code declares a local `require`.
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

const self = readFileSync(__filename);

module.exports = {
  process(source) {
    const code = source.replace(/\bimport\(("(?:node:)?[a-z/_]+")\)/g, 'Promise.resolve().then(() => __moduleRequire($1))');
    return { code: `const __moduleRequire = require;${code}` };
  },
  getCacheKey(source, path) {
    return createHash('sha256').update(self).update(path).update(source).digest('hex');
  },
};
