import { ApiResponse } from '@nestjs/swagger';
import type { JSONSchema } from 'json-schema-to-ts';

type OpenApiSchema = NonNullable<Extract<Parameters<typeof ApiResponse>[0], { schema?: unknown }>['schema']>;

/** Documents what a route answers, so clients typed from the OpenAPI document (web/) know its shape. */
export function Returns(schema: JSONSchema, status = 200): MethodDecorator {
  return ApiResponse({ status, schema: schema as OpenApiSchema });
}

/** A page of a list (`{items, nextCursor}`, see pagination.ts). */
export function pageOf(item: JSONSchema) {
  return {
    type: 'object',
    properties: { items: { type: 'array', items: item }, nextCursor: { type: ['string', 'null'] } },
    required: ['items', 'nextCursor'],
    additionalProperties: false,
  } as const;
}
