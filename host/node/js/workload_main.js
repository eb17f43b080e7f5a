// The main of a workload's environment (design §2), after js/duet_hooks.js: returns the function
// the host calls to import the workload as node imports an ES module entry point (its promise
// gives the namespace), so creating the environment and importing are timed apart.
// Called by host/node/module_loader.cc as function (process, require, reportUncaught).
'use strict';
const { pathToFileURL } = require('internal/url');
const { esmLoader } = require('internal/process/esm_loader');

// An error nothing caught (a throwing timer, an unhandled rejection) fails the call the harness
// is in, with its location, instead of ending the process as it would end `node`.
process.setUncaughtExceptionCaptureCallback((error) => reportUncaught(error, 'uncaught exception'));
process.on('unhandledRejection', (reason) => reportUncaught(reason, 'unhandled promise rejection'));
// Without an argument, the workload; with one, that URL (the host warms Node's ES module loader
// with an empty module before a cold start's clock starts).
return function importWorkload(url = pathToFileURL(process.argv[1]).href) {
  const imported = esmLoader.import(url, undefined, { __proto__: null });
  imported.catch(() => {});  // the host awaits it and reports its rejection itself
  return imported;
};
