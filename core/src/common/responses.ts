import { applyDecorators } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiResponse } from '@nestjs/swagger';
import type { JSONSchema } from 'json-schema-to-ts';
import type { OpenApiSchema } from './validation';

/**
 * Declares a route's 200 answer once: Fastify serializes it through the schema, compiled by
 * fast-json-stringify (faster than JSON.stringify), and OpenAPI documents it. The schema must name every
 * field the route answers with: one it leaves out is silently dropped (test/response-schemas.e2e.ts holds the
 * routes that declare one to what their service returns).
 */
export function Returns(schema: JSONSchema & object): MethodDecorator {
  return applyDecorators(RouteSchema({ response: { 200: schema } }), Responds(200, schema));
}

/**
 * Documents a route's answer in OpenAPI only (the same draft-07 shapes the SDK publishes); the body is
 * serialized as generic JSON. Routes on a hot path use Returns instead.
 */
export function Responds(status: number, schema: JSONSchema): MethodDecorator {
  return ApiResponse({ status, schema: schema as OpenApiSchema });
}
