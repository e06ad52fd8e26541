export { type DropReason, type RadiusLog, type RadiusMetrics, type RadiusOptions, type RadiusServer, startRadius } from './server.ts';
export type { RadiusNetwork, RadiusPort } from './port.ts';
