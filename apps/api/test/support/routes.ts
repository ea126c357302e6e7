import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { ALLOW_KEY, type Audience } from '../../src/access/allow.decorator.js';
import { ROUTES_OUTSIDE_API } from '../../src/bootstrap.js';

export interface RegisteredRoute {
  /** e.g. `PATCH /api/staff/:id` */
  key: string;
  audience: Audience | undefined;
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every route the application registered, read from Nest's own metadata. */
export function registeredRoutes(app: INestApplication): RegisteredRoute[] {
  const routes: RegisteredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | undefined;
      if (!controller) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, controller) ?? ''].flat()[0] as string;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const paths = [Reflect.getMetadata(PATH_METADATA, handler) ?? ''].flat() as string[];
        const audience = (Reflect.getMetadata(ALLOW_KEY, handler) ?? Reflect.getMetadata(ALLOW_KEY, controller)) as
          | Audience
          | undefined;
        for (const path of paths) {
          const outside = ROUTES_OUTSIDE_API.some((r) => r.method === method && join(r.path) === join(base, path));
          routes.push({ key: `${RequestMethod[method]} ${outside ? join(base, path) : join('api', base, path)}`, audience });
        }
      }
    }
  }
  return routes.sort((a, b) => a.key.localeCompare(b.key));
}
