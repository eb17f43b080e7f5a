// TechEmpower's six test types on Nest 10 with its Express adapter: a controller whose routes
// return values (Nest serialises them) and a pg pool injected as a provider. Written in plain
// JavaScript, so the decorators TypeScript would apply are applied by hand below, in the order
// TypeScript emits them. setup() listens and returns the port; standalone:
// `node nest.js --port P --db URL`.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import * as te from './techempower.js';

// Nest's packages are CommonJS with decorators Node's ESM named-export detection cannot see.
const require = createRequire(import.meta.url);
const { Controller, Get, Header, Inject, Module, Query } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');

const POOL = 'PG_POOL';

class WebController {
  constructor(pool) { this.pool = pool; }
  json() { return { message: te.HELLO }; }
  plaintext() { return te.HELLO; }
  db() { return te.oneWorld(this.pool); }
  queries(queries) { return te.manyWorlds(this.pool, te.clampQueries(queries)); }
  updates(queries) { return te.updateWorlds(this.pool, te.clampQueries(queries)); }
  fortunes() { return te.fortunes(this.pool); }
}

// What `@Get('json')`, `@Header(...)` and `@Query('queries')` on each method would do.
const routes = {
  json: [Get('json')],
  plaintext: [Get('plaintext'), Header('Content-Type', 'text/plain')],
  db: [Get('db')],
  queries: [Get('queries')],
  updates: [Get('updates')],
  fortunes: [Get('fortunes'), Header('Content-Type', 'text/html; charset=utf-8')],
};
for (const [name, decorators] of Object.entries(routes)) {
  Reflect.decorate(decorators, WebController.prototype, name, Object.getOwnPropertyDescriptor(WebController.prototype, name));
}
for (const name of ['queries', 'updates']) Query('queries')(WebController.prototype, name, 0);
Inject(POOL)(WebController, undefined, 0);
Controller()(WebController);

export async function setup(params) {
  const pool = te.makePool(params);
  class AppModule {}
  Module({ controllers: [WebController], providers: [{ provide: POOL, useValue: pool }] })(AppModule);
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  express.disable('etag');
  app.use((req, res, next) => { res.set('Server', te.SERVER_NAME); next(); });
  await app.listen(params.port ?? 0, '127.0.0.1');
  return te.countRequests(app.getHttpServer(), { app, pool, port: app.getHttpServer().address().port });
}

export async function teardown(state) {
  await state.app.close();
  await state.pool.end();
}
export { run } from './techempower.js';

if (te.isMain(import.meta.url)) await te.runStandalone(setup, teardown);
