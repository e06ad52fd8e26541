/** PRO-3: RADIUS networks' shared secrets and accounting sessions. */
import { type Static, Type } from 'typebox';
import { Id, Nullable, Page, Query, StringEnum, pageQuery } from './common.ts';

/** A network's shared secret, answered this once (when made, and when rotated); the previous one no longer works. */
export const SharedSecret = Type.Object({ sharedSecret: Type.String() });
export type SharedSecret = Static<typeof SharedSecret>;

export const RadiusSession = Type.Object({
  id: Type.String(),
  networkId: Type.String(),
  acctSessionId: Type.String(),
  userName: Type.String({ description: 'The User-Name the NAS reported' }),
  userId: Nullable(Type.String(), { description: 'The member it named in this organization, when it named one' }),
  status: StringEnum(['started', 'updated', 'stopped'] as const),
  nasAddress: Type.String(),
  callingStationId: Nullable(Type.String()),
  inputOctets: Type.Number({ description: 'Octets received from the user, Gigawords included' }),
  outputOctets: Type.Number({ description: 'Octets sent to the user, Gigawords included' }),
  sessionSeconds: Type.Number(),
  terminateCause: Nullable(Type.Integer()),
  startedAt: Type.String(),
  updatedAt: Type.String(),
  stoppedAt: Nullable(Type.String()),
});
export type RadiusSession = Static<typeof RadiusSession>;
export const RadiusSessionPage = Page(RadiusSession);

export const ListRadiusSessionsQuery = Query({ networkId: Type.Optional(Id), userId: Type.Optional(Id), ...pageQuery });
export type ListRadiusSessionsQuery = Static<typeof ListRadiusSessionsQuery>;
