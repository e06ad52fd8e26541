import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';

/** (Being written.) */
export function marketingRoutes(_app: FastifyInstance, _deps: HttpDeps): void {}
