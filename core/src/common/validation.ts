import { applyDecorators, CanActivate, ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import Ajv, { ErrorObject, FormatDefinition, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';
import type { FastifyRequest } from 'fastify';
import { isUuid } from '@jokkaer/sdk-plugin';
import type { JSONSchema } from 'json-schema-to-ts';
import { badRequest, notFound, ProblemField } from './problem';
import { RouteMetadata } from './route-metadata';
import { unstorableTextFields } from './text';

export interface RouteSchemas {
  body?: JSONSchema;
  query?: JSONSchema & { properties: Record<string, JSONSchema> };
}

/** How @nestjs/swagger types a schema (JSON Schema, as far as this API uses it). */
export type OpenApiSchema = NonNullable<
  Extract<Parameters<typeof ApiBody>[0], { schema?: unknown }>['schema']
>;

const ROUTE_SCHEMAS = Symbol('ROUTE_SCHEMAS');

/** Declares a route's request schemas once: they validate the request and document it in OpenAPI. */
export function Validate(schemas: RouteSchemas): MethodDecorator {
  const decorators: MethodDecorator[] = [SetMetadata(ROUTE_SCHEMAS, schemas)];
  if (schemas.body) decorators.push(ApiBody({ schema: schemas.body as OpenApiSchema }));
  for (const [name, schema] of Object.entries(schemas.query?.properties ?? {})) {
    decorators.push(ApiQuery({ name, required: false, schema: schema as OpenApiSchema }));
  }
  return applyDecorators(...decorators);
}

const isoDateTime = fullFormats['date-time'] as FormatDefinition<string> & {
  validate: (value: string) => boolean;
};

/**
 * ajv-formats, with `date-time` narrowed to what a JavaScript Date can hold: RFC 3339 allows a leap second
 * (`23:59:60`), which Date cannot parse, and an Invalid Date would reach the database.
 */
function withFormats(ajv: Ajv): Ajv {
  return addFormats(ajv).addFormat('date-time', {
    ...isoDateTime,
    validate: (value: string) => isoDateTime.validate(value) && !Number.isNaN(Date.parse(value)),
  });
}

// verbose: errors carry the refused value, so a 400 can name it. inlineRefs off: a part a schema refers to from
// several places is compiled once (block-kit.schemas.ts), not copied into each.
const bodyAjv = withFormats(
  new Ajv({ allErrors: true, strict: true, useDefaults: true, verbose: true, inlineRefs: false }),
);
const queryAjv = withFormats(
  new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true, inlineRefs: false }),
);
const compiled = new WeakMap<object, ValidateFunction>();

function compile(ajv: Ajv, schema: JSONSchema): ValidateFunction {
  const key = schema as object;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema as object);
    compiled.set(key, validate);
  }
  return validate;
}

export function describeErrors(errors: ErrorObject[] | null | undefined, prefix = ''): ProblemField[] {
  // An if/then failure only repeats, at the parent, what the `then` errors beside it say precisely.
  return (errors ?? [])
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const base = error.instancePath.replace(/^\//, '');
      const join = (name: string) => [prefix, base, name].filter(Boolean).join('/');
      const whole = join('') || prefix || '(body)';
      if (error.keyword === 'required') {
        const field = (error.params as { missingProperty: string }).missingProperty;
        return { path: join(field), message: 'is required' };
      }
      if (error.keyword === 'dependencies') {
        const { missingProperty, property } = error.params as { missingProperty: string; property: string };
        return { path: join(missingProperty), message: `is required with ${property}` };
      }
      if (error.keyword === 'additionalProperties') {
        const field = (error.params as { additionalProperty: string }).additionalProperty;
        return { path: join(field), message: 'is not a known field' };
      }
      if (error.keyword === 'enum') {
        // Names the refused value and what is allowed (`scopes/1`: "admin" is not one of: chat:write, …).
        const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.join(', ');
        const refused = JSON.stringify(error.data) ?? '';
        const value = refused.length > 0 && refused.length <= 100 ? `${refused} ` : '';
        return { path: whole, message: `${value}is not one of: ${allowed}` };
      }
      return { path: whole, message: error.message ?? 'is invalid' };
    });
}

/**
 * Compiles a schema now rather than at its first use, as assertValid (`body`) or formErrors (`form`) will check
 * against it: a large schema (Block Kit's) would otherwise cost its compilation to the first request of each
 * worker that checks against it.
 */
export function compileAhead(schema: JSONSchema, as: 'body' | 'form' = 'body'): void {
  compile(as === 'form' ? queryAjv : bodyAjv, schema);
}

/** Checks a value against a schema and throws a 400 problem naming every failing field. */
export function assertValid(schema: JSONSchema, value: unknown, prefix = ''): void {
  const query = prefix === 'query';
  const validate = compile(query ? queryAjv : bodyAjv, schema);
  if (!validate(value)) {
    throw badRequest('The request is invalid', describeErrors(validate.errors, prefix));
  }
  // ajv coerces a query's "1e309" to Infinity and then skips the bounds of a non-finite number.
  const infinite = query ? nonFiniteFields(value, prefix) : [];
  if (infinite.length > 0) throw badRequest('The request is invalid', infinite);
}

/**
 * The fields of a form-like value (Slack's form bodies, where every value is text) that fail `schema`, after
 * coercing them to it as query strings are; empty when it is valid.
 */
export function formErrors(schema: JSONSchema, value: unknown): ProblemField[] {
  const validate = compile(queryAjv, schema);
  return validate(value) ? nonFiniteFields(value, '') : describeErrors(validate.errors);
}

function nonFiniteFields(value: unknown, prefix: string): ProblemField[] {
  return Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => typeof item === 'number' && !Number.isFinite(item))
    .map(([name]) => ({ path: prefix ? `${prefix}/${name}` : name, message: 'must be a finite number' }));
}

/** Path ids that are slugs, not UUIDs. */
const SLUG_IDS = new Set(['pluginId']);

/**
 * Validates every request before its handler: ids in the path must be UUIDs (anything else names nothing,
 * so 404), then the query and body against the route's declared schemas. A guard rather than an interceptor:
 * Nest runs interceptors through rxjs and async resources on every request, and this needs neither. Installed
 * after AuthGuard (see app.ts), so a request without a valid token is refused before its input is judged.
 */
export class ValidationGuard implements CanActivate {
  private readonly schemas: RouteMetadata<RouteSchemas>;

  constructor(reflector: Reflector) {
    this.schemas = new RouteMetadata(reflector, ROUTE_SCHEMAS);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const params = (request.params ?? {}) as Record<string, string>;
    // Text that PostgreSQL cannot store is refused here, for every route, before any rule or query sees it.
    const unstorable = [
      ...unstorableTextFields(params, 'path'),
      ...unstorableTextFields(request.query, 'query'),
      ...unstorableTextFields(request.body),
    ];
    if (unstorable.length > 0)
      throw badRequest('The request contains text that cannot be stored', unstorable);
    for (const [name, value] of Object.entries(params)) {
      if (name.endsWith('Id') && !SLUG_IDS.has(name) && !isUuid(value)) throw notFound(name.slice(0, -2));
    }
    const schemas = this.schemas.of(context);
    if (schemas?.query) {
      request.query = { ...(request.query as object) };
      assertValid(schemas.query, request.query, 'query');
    }
    if (schemas?.body) {
      // No body at all reads as `{}`: routes whose fields are all optional accept it, others name what is missing.
      request.body ??= {};
      assertValid(schemas.body, request.body);
    }
    return true;
  }
}
