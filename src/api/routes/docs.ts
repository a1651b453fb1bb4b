import { Router } from 'express';
import { renderDocsPage } from '../docs-page.js';
import { openApiDocument } from '../openapi.js';

/** `/openapi.json` and `/docs`, both open. Built once: the document does not change at run time. */
export function docsRouter(): Router {
  const document = openApiDocument();
  const page = renderDocsPage(document);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.status(200).json(document);
  });
  router.get('/docs', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
    res.status(200).type('html').send(page);
  });
  return router;
}
