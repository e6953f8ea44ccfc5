import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';

/**
 * One metadata key of a route (its handler's, else its controller's), read once per route: guards ask on every
 * request, and each reflect-metadata lookup walks its maps again.
 */
export class RouteMetadata<T> {
  private readonly known = new WeakMap<object, Map<object, T | undefined>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly key: symbol,
  ) {}

  of(context: ExecutionContext): T | undefined {
    const controller = context.getClass();
    const handler = context.getHandler();
    let routes = this.known.get(controller);
    if (!routes) this.known.set(controller, (routes = new Map<object, T | undefined>()));
    if (!routes.has(handler)) {
      routes.set(handler, this.reflector.getAllAndOverride<T | undefined>(this.key, [handler, controller]));
    }
    return routes.get(handler);
  }
}
