import { defineError } from '../../core/errors.ts';

/** GOV-1, GOV-5: integrations and their webhooks. */
export const IntegrationErrors = {
  invalidIntegration: defineError('governance.invalid_integration', 'invalid', 'The integration is not valid.'),
  webhookTargetForbidden: defineError(
    'governance.webhook_target_forbidden',
    'invalid',
    'A webhook must be an https URL on a public address: loopback, private, link-local and other internal addresses are refused.',
  ),
  integrationUninstalled: defineError('governance.integration_uninstalled', 'conflict', 'The integration is uninstalled.'),
  integrationOwned: defineError(
    'governance.integration_owned',
    'conflict',
    'The resource is the application of an installed integration: change or remove it through the integration (an organization admin uninstalls it).',
  ),
  integrationLimitReached: defineError('governance.integration_limit_reached', 'limit_reached', 'The organization has as many integrations installed as it may have: uninstall one first.'),
};
