import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** DESIGN.md §4: OpenAPI at /api/docs (UI) and /api/docs-json (document). */
export function setUpFilerOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('DICOM Router: async-filer')
    .setDescription('The queue of asynchronous routing: documents per filer and status, requeue, purge, pause/resume. Send "Authorization: Bearer <API_TOKEN>".')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, config));
}
