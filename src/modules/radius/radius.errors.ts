import { defineError } from '../../core/errors.ts';

/** PRO-3: RADIUS networks. */
export const RadiusErrors = {
  invalidNetworkSettings: defineError('radius.invalid_network_settings', 'invalid', 'The RADIUS settings of the network are not valid.'),
  notNetwork: defineError('radius.not_network', 'invalid', 'Shared secrets belong to network resources.'),
};
