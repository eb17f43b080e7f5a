// TechEmpower's six test types on Express 5 (routes, res.json, res.send), over the pg pool of
// ./techempower.js. setup() listens and returns the port; standalone:
// `node express.js --port P --db URL`.
import express from 'express';
import * as te from './techempower.js';

function makeApp(pool) {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');  // TechEmpower's responses carry no ETag; computing it is work the others skip
  app.use((req, res, next) => { res.set('Server', te.SERVER_NAME); next(); });
  app.get('/json', (req, res) => { res.json({ message: te.HELLO }); });
  app.get('/plaintext', (req, res) => { res.type('text/plain').send(te.HELLO); });
  // Express 5 passes a rejected promise of an async handler to the error handler itself.
  app.get('/db', async (req, res) => { res.json(await te.oneWorld(pool)); });
  app.get('/queries', async (req, res) => { res.json(await te.manyWorlds(pool, te.clampQueries(req.query.queries))); });
  app.get('/updates', async (req, res) => { res.json(await te.updateWorlds(pool, te.clampQueries(req.query.queries))); });
  app.get('/fortunes', async (req, res) => {
    res.type('text/html; charset=utf-8').send(await te.fortunes(pool));
  });
  return app;
}

export async function setup(params) {
  const pool = te.makePool(params);
  return te.listenHttp(makeApp(pool), pool, params);
}

export const teardown = te.closeHttp;
export { run } from './techempower.js';

if (te.isMain(import.meta.url)) await te.runStandalone(setup, teardown);
