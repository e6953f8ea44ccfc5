import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { INestApplication } from '@nestjs/common';

/** The OpenAPI document of the server's routes: served at /api/docs-json and the source of web/'s API types. */
export function createOpenApiDocument(app: INestApplication) {
  const info = new DocumentBuilder()
    .setTitle('Jōkkær API')
    .setVersion('1')
    .setDescription('The public HTTP contract of Jōkkær. Errors are application/problem+json.')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, info);
}
