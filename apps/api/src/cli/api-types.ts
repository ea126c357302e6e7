import 'reflect-metadata';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../app.module.js';
import { ROUTES_OUTSIDE_API } from '../bootstrap.js';
import { loadConfig } from '../config/config.js';
import { repoRoot } from '../config/repo-root.js';
import { buildOpenApiDocument } from '../openapi/document.js';
import { CONTRACT_SCHEMAS_FILE, DASHBOARD_TYPES_FILE, contractSchemas, contractSchemasSource, dashboardTypesSource } from '../openapi/generate.js';

/**
 * `npm run api:types`: writes the JSON schemas of the shared response
 * contracts, then builds the OpenAPI document from the application's modules
 * (in Nest's preview mode: nothing is started and no database is needed) and
 * writes the dashboard's types generated from it.
 */
async function run() {
  const root = repoRoot();
  const schemas = contractSchemas();
  fs.writeFileSync(path.join(root, CONTRACT_SCHEMAS_FILE), contractSchemasSource(schemas));

  const unused = 'postgres://tandem@127.0.0.1:1/unused';
  const config = loadConfig({ DATABASE_URL: unused, TANDEM_DATA_KEY: crypto.randomBytes(32).toString('base64') });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, unused), new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  app.setGlobalPrefix('api', { exclude: ROUTES_OUTSIDE_API });
  const document = buildOpenApiDocument(app, schemas);
  fs.writeFileSync(path.join(root, DASHBOARD_TYPES_FILE), await dashboardTypesSource(document));
  process.stdout.write(`Wrote ${CONTRACT_SCHEMAS_FILE} (${Object.keys(schemas).length} schemas) and ${DASHBOARD_TYPES_FILE}.\n`);
}

run().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`api:types failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
