// TechEmpower's six test types on Fastify 4.29 (the last line that runs on node 18), with
// response schemas for the JSON routes as Fastify's idiom has it (fast-json-stringify), over the
// pg pool of ./techempower.js. setup() listens and returns the port; standalone:
// `node fastify.js --port P --db URL`.
import Fastify from 'fastify';
import * as te from './techempower.js';

const world = { type: 'object', properties: { id: { type: 'integer' }, randomNumber: { type: 'integer' } } };
const worlds = { type: 'array', items: world };
const querystring = { type: 'object', properties: { queries: { type: 'string' } } };

function makeApp(pool) {
  const app = Fastify({ logger: false });
  app.addHook('onRequest', async (req, reply) => { reply.header('Server', te.SERVER_NAME); });
  app.get('/json', { schema: { response: { 200: { type: 'object', properties: { message: { type: 'string' } } } } } },
    async () => ({ message: te.HELLO }));
  app.get('/plaintext', async (req, reply) => { reply.type('text/plain'); return te.HELLO; });
  app.get('/db', { schema: { response: { 200: world } } }, async () => te.oneWorld(pool));
  app.get('/queries', { schema: { querystring, response: { 200: worlds } } },
    async (req) => te.manyWorlds(pool, te.clampQueries(req.query.queries)));
  app.get('/updates', { schema: { querystring, response: { 200: worlds } } },
    async (req) => te.updateWorlds(pool, te.clampQueries(req.query.queries)));
  app.get('/fortunes', async (req, reply) => {
    reply.type('text/html; charset=utf-8');
    return te.fortunes(pool);
  });
  return app;
}

export async function setup(params) {
  const pool = te.makePool(params);
  const app = makeApp(pool);
  await app.listen({ port: params.port ?? 0, host: '127.0.0.1' });
  return te.countRequests(app.server, { app, pool, port: app.server.address().port });
}

export async function teardown(state) {
  await state.app.close();
  await state.pool.end();
}
export { run } from './techempower.js';

if (te.isMain(import.meta.url)) await te.runStandalone(setup, teardown);
