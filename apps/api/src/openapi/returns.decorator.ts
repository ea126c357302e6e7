import { ApiExtension } from '@nestjs/swagger';
import type { ResponseShapeName, ResponseShapes } from './response-shapes.js';

/** The extension `@Returns` leaves on an operation; the document builder turns it into the success response's schema. */
export const RETURNS_EXTENSION = 'x-tandem-returns';

/**
 * Documents what a route answers with: one of the shared contracts named in
 * `ResponseShapes`. The route's own return type must be that shape, so the
 * document cannot say one thing while the code returns another.
 */
export function Returns<K extends ResponseShapeName>(shape: K) {
  return <F extends (...args: never[]) => ResponseShapes[K] | Promise<ResponseShapes[K]>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): void => {
    ApiExtension(RETURNS_EXTENSION, shape)(target, key, descriptor);
  };
}
