// The main of a workload's environment (design §2), after js/duet_hooks.js: the workload is
// imported as node imports an ES module entry point, and its namespace handed to the host.
// Called by host/node/module_loader.cc as function (process, require, reportUncaught).
'use strict';
const { pathToFileURL } = require('internal/url');
const { esmLoader } = require('internal/process/esm_loader');

// An error nothing caught (a throwing timer, an unhandled rejection) fails the call the harness
// is in, with its location, instead of ending the process as it would end `node`.
process.setUncaughtExceptionCaptureCallback((error) => reportUncaught(error, 'uncaught exception'));
process.on('unhandledRejection', (reason) => reportUncaught(reason, 'unhandled promise rejection'));
const imported = esmLoader.import(pathToFileURL(process.argv[1]).href, undefined, { __proto__: null });
imported.catch(() => {});  // the host awaits it and reports its rejection itself
return imported;
