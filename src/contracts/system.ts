/** The operator's endpoints: health and the public configuration. (Metrics and the API description are not JSON contracts.) */
import { type Static, Type } from 'typebox';

export const Health = Type.Object({ status: Type.String() });
export type Health = Static<typeof Health>;

/** `GET /api/v1/config`: what the web console needs to know about this instance; public, no secrets. */
export const PublicConfig = Type.Object({
  siteName: Type.String({ description: 'The operator\'s site name (CASTELLAN_SITE_NAME)' }),
  billing: Type.Object({
    cards: Type.Boolean({ description: 'A payment provider takes cards (CASTELLAN_PAYMENT_PROVIDER is not none)' }),
    contact: Type.String({ description: 'Where to write to change plan (CASTELLAN_BILLING_ADDRESS)' }),
    freeUserLimit: Type.Integer({ description: 'Users (active and invited) the free plan allows' }),
  }),
  supportAddress: Type.String({ description: 'The address customers write to for support (CASTELLAN_SUPPORT_ADDRESS)' }),
  googleSignIn: Type.Boolean({ description: 'Sign in with Google is set up (CASTELLAN_GOOGLE_CLIENT_ID, ACC-4)' }),
});
export type PublicConfig = Static<typeof PublicConfig>;
