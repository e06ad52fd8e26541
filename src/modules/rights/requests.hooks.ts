import type { RequestContext } from '../../core/context.ts';

/**
 * What happens once a request is verified (DSR-2): verification calls `afterVerified` after its
 * transaction commits, and fulfilment (DSR-1: the access archive, the know answer, erasure) sets
 * it when the module is put together. The default does nothing, so verification stands alone.
 */
export interface RequestHooks {
  afterVerified(ctx: RequestContext, requestId: string): Promise<void>;
}

export const createRequestHooks = (): RequestHooks => ({ afterVerified: async () => {} });
