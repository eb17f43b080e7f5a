// What `node FILE ARGS` runs after bootstrap (lib/internal/main/run_main_module.js in Node 18),
// after js/duet_hooks.js. Called by host/node/module_loader.cc as function (process, require),
// where `require` is Node's internal require.
'use strict';
const path = require('path');

const mainEntry = path.resolve(process.argv[1]);
process.argv[1] = mainEntry;
/^/.exec('');  // resets RegExp statics before user code runs, as run_main_module does
require('internal/modules/cjs/loader').Module.runMain(mainEntry);
