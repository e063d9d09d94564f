import fp from 'fastify-plugin';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';

/** The OpenAPI document at /docs/json, built from the routes' TypeBox schemas, and its UI at /docs. */
export const docsPlugin = fp(async (app) => {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'diemcau scheduler API',
        description:
          'Units, halls, people, meetings, invitations (iCalendar) and RSVP for the online conferences of a province. ' +
          'Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`. Errors are `{ code, message }`.',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // The UI's assets ship inside the npm package: nothing is fetched from elsewhere.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
});
