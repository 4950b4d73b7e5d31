import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Services } from './services.ts';
import servicesPlugin from './plugins/services.ts';
import callerAuth from './plugins/caller-auth.ts';
import { registerProblemHandlers } from './http/problem.ts';
import eventsRoute from './http/events-route.ts';
import twilioStatusRoute from './http/twilio-status-route.ts';
import timelineRoute from './http/timeline-route.ts';
import debtorDataRoutes from './http/debtor-data-routes.ts';
import healthRoutes from './http/health-routes.ts';
import schemaRoutes from './http/schema-routes.ts';
import templateRoutes from './http/template-routes.ts';
import consoleApi from './http/console-api.ts';
import consoleStatic from './http/console-static.ts';
import staffSessionRoutes from './http/staff-session-routes.ts';
import staffRoutes from './http/staff-routes.ts';
import simulateRoute from './http/simulate-route.ts';
import unsubscribeRoute from './http/unsubscribe-route.ts';
import forwardingRoutes from './http/forwarding-routes.ts';
import reviewRoute from './http/review-route.ts';
import twilioInboundRoute from './http/twilio-inbound-route.ts';
import inboundEmailRoute from './http/inbound-email-route.ts';
import { handleReply } from './inbound/handle-reply.ts';
import { loadKeywords } from './inbound/keywords.ts';
import type { HandleReply } from './inbound/reply.ts';
import emailEventsRoute from './http/email-events-route.ts';
import { plannerDeps } from './runtime.ts';
import type { TemplateStore } from './rendering/template-store.ts';
import { contractFixtures } from './rendering/sample-events.ts';

/**
 * The HTTP app, exactly as it runs; tests build it with their own services and use `inject`.
 * A worker process serves only the operations routes (health, readiness, its own metrics).
 */
export async function buildApp(services: Services, opts: { opsOnly?: boolean; templates?: TemplateStore } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance type the default one.
    loggerInstance: services.log as FastifyBaseLogger,
    // Bad input gets a clear error, never a coerced value or a silently dropped field.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    bodyLimit: 256 * 1024,
    // The contract allows ids of up to 128 characters; the router's default stops at 100.
    routerOptions: { maxParamLength: 128 },
    trustProxy: true,
  });
  registerProblemHandlers(app);
  if (opts.opsOnly) {
    await app.register(servicesPlugin, { services });
    await app.register(healthRoutes);
    return app;
  }
  await app.register(swagger, {
    openapi: {
      info: { title: 'Debtor communication orchestrator', version: '0.1.0', description: 'Case events in (Standard Webhooks signed), messages out, every decision explained.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(servicesPlugin, { services });
  await app.register(callerAuth);
  await app.register(healthRoutes);
  await app.register(staffSessionRoutes);
  await app.register(staffRoutes);
  await app.register(consoleStatic);
  await app.register(eventsRoute);
  await app.register(twilioStatusRoute);
  await app.register(unsubscribeRoute);
  await app.register(forwardingRoutes);
  await app.register(reviewRoute);
  if (services.config.email?.eventsSecret) await app.register(emailEventsRoute);
  await app.register(timelineRoute);
  await app.register(debtorDataRoutes);
  await app.register(schemaRoutes);
  if (opts.templates) {
    const fixtures = await contractFixtures();
    await app.register(templateRoutes, { templates: opts.templates, fixtures });
    await app.register(consoleApi, { templates: opts.templates, fixtures });
    const planner = await plannerDeps(services, opts.templates);
    await app.register(simulateRoute, { planner });
    // Debtors' replies: SMS and WhatsApp from Twilio, email from the mail provider (raw MIME).
    const replyDeps = { ...planner, db: services.db, queues: services.queues, keywords: loadKeywords(), now: services.now };
    const reply: HandleReply = (r) => handleReply(replyDeps, r);
    await app.register(twilioInboundRoute, { handleReply: reply });
    if (services.config.inboundEmailSecret) await app.register(inboundEmailRoute, { handleReply: reply, secret: services.config.inboundEmailSecret, now: services.now });
  }
  return app;
}
