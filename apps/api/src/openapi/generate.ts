import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { createGenerator } from 'ts-json-schema-generator';
import openapiTS, { astToString } from 'openapi-typescript';
import { repoRoot } from '../config/repo-root.js';

/**
 * The two generated files of the typed path from the API to the screen, made
 * by `npm run api:types` and checked by a test that regenerates them:
 * - `apps/api/src/openapi/contract-schemas.ts`: the JSON schemas of the shared
 *   response contracts named in `response-shapes.ts`, in OpenAPI 3.0 form;
 * - `apps/dashboard/src/api/schema.d.ts`: the dashboard's types, generated from
 *   the OpenAPI document by openapi-typescript.
 * Only the command and the test load this file (its libraries are development ones).
 */

export const CONTRACT_SCHEMAS_FILE = 'apps/api/src/openapi/contract-schemas.ts';
export const DASHBOARD_TYPES_FILE = 'apps/dashboard/src/api/schema.d.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type SchemaMap = Record<string, JsonObject>;

const NAME = /^[A-Za-z0-9_]+$/;
const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const refName = (ref: string) => decodeURIComponent(ref.replace('#/definitions/', ''));

/** JSON schemas of every shape in `ResponseShapes`, keyed by their names in the OpenAPI document. */
export function contractSchemas(): SchemaMap {
  const root = repoRoot();
  const generated = createGenerator({
    path: path.join(root, 'apps/api/src/openapi/response-shapes.ts'),
    tsconfig: path.join(root, 'apps/api/tsconfig.json'),
    type: 'ResponseShapes',
    expose: 'export',
    topRef: false,
    jsDoc: 'none',
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
  }).createSchema('ResponseShapes') as unknown as JsonObject;
  const definitions = generated.definitions as Record<string, JsonObject>;
  const shapes = generated.properties as Record<string, JsonObject>;

  // A shape named in ResponseShapes keeps that name (`ClientSummaryPage` for `Page<ClientSummary>`).
  const renamed = new Map<string, string>();
  for (const [name, property] of Object.entries(shapes)) {
    const target = typeof property.$ref === 'string' ? refName(property.$ref) : undefined;
    if (!target) throw new Error(`ResponseShapes.${name} must name a type, not spell one out.`);
    if (target !== name) renamed.set(target, name);
  }
  const finalName = (name: string) => renamed.get(name) ?? name;
  // Anything else without a plain name (`Record<string,string>`) is written inline.
  const inline = new Set(Object.keys(definitions).filter((name) => !renamed.has(name) && !NAME.test(name)));

  const convert = (schema: Json): Json => {
    if (Array.isArray(schema)) return schema.map(convert);
    if (!isObject(schema)) return schema;
    if (typeof schema.$ref === 'string') {
      const target = refName(schema.$ref);
      if (inline.has(target)) return convert(definitions[target]);
      return { $ref: `#/components/schemas/${finalName(target)}` };
    }
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === '$schema') continue;
      if (key === 'const') out.enum = [value];
      else if (key === 'properties' && isObject(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convert(v)]));
      else out[key] = convert(value);
    }
    return toOpenApi30(out);
  };

  const schemas: SchemaMap = {};
  for (const [name, definition] of Object.entries(definitions)) {
    if (inline.has(name)) continue;
    schemas[finalName(name)] = convert(definition) as JsonObject;
  }
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

/** OpenAPI 3.0 has no type lists and no `null` type: `nullable` and `anyOf` say the same. */
function toOpenApi30(schema: JsonObject): JsonObject {
  const { type, anyOf } = schema;
  if (Array.isArray(type)) {
    const types = type.filter((t) => t !== 'null');
    const nullable = types.length < type.length;
    const rest = { ...schema };
    delete rest.type;
    if (types.length === 1) return { ...rest, type: types[0], ...(nullable ? { nullable: true } : {}) };
    return { ...rest, anyOf: types.map((t) => ({ type: t })), ...(nullable ? { nullable: true } : {}) };
  }
  if (Array.isArray(anyOf) && anyOf.some((s) => isObject(s) && s.type === 'null')) {
    const others = anyOf.filter((s) => !(isObject(s) && s.type === 'null'));
    const rest = { ...schema };
    delete rest.anyOf;
    if (others.length === 1 && isObject(others[0])) {
      const only = others[0];
      return typeof only.$ref === 'string' ? { ...rest, allOf: [only], nullable: true } : { ...rest, ...only, nullable: true };
    }
    return { ...rest, anyOf: others, nullable: true };
  }
  return schema;
}

/** The text of `contract-schemas.ts`. */
export function contractSchemasSource(schemas: SchemaMap): string {
  return [
    '// Generated by `npm run api:types` from the shared contracts named in response-shapes.ts. Do not edit.',
    '',
    `export const CONTRACT_SCHEMAS: Record<string, object> = ${JSON.stringify(schemas, null, 2)};`,
    '',
  ].join('\n');
}

/** The text of the dashboard's `schema.d.ts`, from the OpenAPI document. */
export async function dashboardTypesSource(document: OpenAPIObject): Promise<string> {
  const ast = await openapiTS(document as never, { alphabetize: true, exportType: false, defaultNonNullable: false });
  return `// Generated by \`npm run api:types\` from the API's OpenAPI document. Do not edit.\n\n${astToString(ast)}`;
}
