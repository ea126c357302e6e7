import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import fastifyCookie from '@fastify/cookie';
import { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/config.js';
import { AllErrorsFilter } from './common/all-errors.filter.js';
import { NestPinoLogger } from './common/logger.js';
import { createValidationPipe } from './common/validation.js';
import { registerSecurityHeaders } from './common/security-headers.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { assetCacheControl } from './common/dashboard-fallback.js';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './common/json-depth.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Routes outside the /api prefix: the portal link (`/p/<token>`) is the address clients are sent, and it leads to the portal home (`/portal`). */
export const ROUTES_OUTSIDE_API = [
  { path: 'p/:token', method: RequestMethod.GET },
  { path: 'portal', method: RequestMethod.GET },
];

/** Builds the whole application, ready to listen: used by `main.ts` and by every e2e test. */
export async function createApp(config: AppConfig, databaseUrl: string, logger: Logger): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's own request lines are replaced by the single access line below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.bodyLimitBytes,
    // Slow clients (headers or a body trickled in) are cut off, so they cannot hold connections open.
    requestTimeout: config.requestTimeoutSeconds * 1000,
    connectionTimeout: config.requestTimeoutSeconds * 2000,
    http: {
      headersTimeout: config.requestTimeoutSeconds * 1000,
      requestTimeout: config.requestTimeoutSeconds * 1000,
      connectionsCheckingInterval: 1000,
    },
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl), adapter, {
    logger: new NestPinoLogger(logger),
    // Start-up failures (a wrong data key, an unreachable database) are thrown to the caller, which explains them.
    abortOnError: false,
  });
  app.setGlobalPrefix('api', { exclude: ROUTES_OUTSIDE_API });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllErrorsFilter(config.dashboardDir));

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, (request, body, done) => {
    const text = body.toString('utf8');
    if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
      done(Object.assign(new Error(`The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`), { statusCode: 400 }), undefined);
      return;
    }
    void parseJson(request as never, text, done as never);
  });
  await app.register(fastifyCookie as never);
  registerSecurityHeaders(fastify);

  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // One access line per request: never a body, a query string, a token or a cookie.
  fastify.addHook('onResponse', async (request, reply) => {
    const actor = request.actor;
    request.log.info(
      {
        practiceId: actor?.practiceId,
        actor: actor ? (actor.kind === 'staff' ? `staff:${actor.userId}` : `client:${actor.clientId}`) : 'anonymous',
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  if (fs.existsSync(config.dashboardDir)) {
    app.useStaticAssets({
      root: config.dashboardDir,
      prefix: '/',
      index: false,
      wildcard: false,
      // Brotli and gzip copies written at build time, chosen by Accept-Encoding (with `Vary`).
      preCompressed: true,
      // Cache-Control is set by the file's kind below, not by the plugin's default `max-age=0`.
      cacheControl: false,
      // @fastify/static 10 hands over the Fastify reply (Nest's type still describes the raw response).
      setHeaders: (reply, filePath) =>
        (reply as unknown as FastifyReply).header('cache-control', assetCacheControl(path.relative(config.dashboardDir, filePath))),
    });
  }

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', useGlobalPrefix: false });

  await app.init();
  await fastify.ready();
  return app;
}
