// duet's modules for Node: `import ... from 'duet'` and 'duet:<name>' resolve to the host's
// binding modules (host/node/duet_module.cc) through in-thread module hooks. Runs first in every
// environment duet starts, as function (process, require) with Node's internal require.
'use strict';
const { getOptionValue } = require('internal/options');

// Node 18's public hooks (module.register, --experimental-loader) run on a loader thread, which
// costs 90-140 ms per environment here; the same Hooks class runs in this thread for a few ms.
// A user's own --experimental-loader keeps Node's threaded hooks and goes without duet's modules.
if (getOptionValue('--experimental-loader').length === 0) {
  // Built on the first use of the ES module loader, not here: compiling Node's hooks module costs
  // 6-9 ms, which a CommonJS script such as `duet exec empty.js` never needs (node does not pay it).
  let hooks;
  const realHooks = () => (hooks ??= duetHooks());
  const { esmLoader } = require('internal/process/esm_loader');
  // The loader reads allowImportMetaResolve when customizations are set; Hooks has it false.
  esmLoader.setCustomizations(new Proxy({ allowImportMetaResolve: false }, {
    get(target, key) {
      if (key in target) return target[key];
      const real = realHooks();
      const value = real[key];
      return typeof value === 'function' ? value.bind(real) : value;
    },
  }));
}

function duetHooks() {
  const { Hooks } = require('internal/modules/esm/hooks');
  const hooks = new Hooks();
  // One object per binding module, by name (host/node/duet_module.cc); made on first use.
  const modules = () => process._linkedBinding('duet');
  const moduleName = (url) => (url === 'duet:duet' ? 'duet' : url.slice('duet:'.length));
  hooks.addCustomLoader('duet:host', {
    resolve(specifier, context, next) {
      if (specifier === 'duet') return { url: 'duet:duet', format: 'module', shortCircuit: true };
      if (specifier.startsWith('duet:')) {
        if (!Object.hasOwn(modules(), moduleName(specifier)) || specifier === 'duet:duet') {
          throw new Error(`No such duet module: '${specifier}'`);
        }
        return { url: specifier, format: 'module', shortCircuit: true };
      }
      return next(specifier, context);
    },
    load(url, context, next) {
      if (!url.startsWith('duet:')) return next(url, context);
      const name = moduleName(url);
      const lines = [`const m = process._linkedBinding('duet')[${JSON.stringify(name)}];`];
      for (const key of Object.keys(modules()[name])) lines.push(`export const ${key} = m[${JSON.stringify(key)}];`);
      return { format: 'module', source: lines.join('\n'), shortCircuit: true };
    },
  });
  return hooks;
}
