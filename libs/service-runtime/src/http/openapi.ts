import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * docs/architecture.md §4: OpenAPI at /api/docs (UI) and /api/docs-json (document), describing every controller
 * of the application (several services' APIs when they share one process).
 */
export function setUpOpenApi(app: INestApplication, title: string, description: string): void {
  const config = new DocumentBuilder()
    .setTitle(`DICOM Router: ${title}`)
    .setDescription(`${description} Send "Authorization: Bearer <API_TOKEN>".`)
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
