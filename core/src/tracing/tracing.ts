import { FastifyOtelInstrumentation } from '@fastify/otel';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: main imports this module only then, and
 * before the app's modules, since the instrumentations patch `http`, `pg`, Fastify and Nest as they load.
 * Spans: each request served (named by its route template, with Fastify's and Nest's spans under it), each
 * query, and each outgoing request (the egress client uses node:http). Traces only: metrics are Prometheus's.
 * The SDK reads the standard OTEL_* variables (protocol, headers, sampler, batching) itself.
 */
export function startTracing(serviceName: string): NodeSDK {
  const sdk = new NodeSDK({
    serviceName,
    instrumentations: [
      new HttpInstrumentation(),
      // Fastify's own instrumentation for Fastify 5, hooked on its creation (Nest creates the instance).
      new FastifyOtelInstrumentation({ registerOnInitialization: true }),
      new NestInstrumentation(),
      // Queries of a request or of a traced job; background polling alone would make a trace every interval.
      // Opening a connection is no span of its own: a trace has one span per query; the pool's metrics show waits.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
    ],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return sdk;
}
