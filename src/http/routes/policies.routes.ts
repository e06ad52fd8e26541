import type { FastifyInstance } from 'fastify';
import type { HttpDeps } from '../server.ts';

/** (Being written.) */
export function policiesRoutes(_app: FastifyInstance, _deps: HttpDeps): void {}
