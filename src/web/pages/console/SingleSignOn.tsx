import { Button, Checkbox, Code, Group, NativeSelect, Stack, Switch, Table, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type ClientSecret, type Resource, api } from '../../api.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { Section } from '../../components/Section.tsx';
import { useRequest } from '../../lib/forms.ts';
import { CopyValue, OneTimeSecret } from '../../components/OneTimeSecret.tsx';

/** How an application signs its users in through Castellan (PRO-2, PRO-5); "ldap" applications have their own page. */
export type SsoProtocol = 'none' | 'oidc' | 'saml';

const GRANT_TYPES = [
  { value: 'authorization_code', label: 'Authorization code (with PKCE)' },
  { value: 'refresh_token', label: 'Refresh tokens (offline access)' },
  { value: 'client_credentials', label: 'Client credentials (machine to machine)' },
] as const;

/** The form's view of an application's sign-in settings: text fields hold one URI per line. */
export interface SsoForm {
  protocol: SsoProtocol;
  redirectUris: string;
  postLogoutRedirectUris: string;
  grantTypes: string[];
  isPublic: boolean;
  initiateLoginUri: string;
  tokenFormat: 'opaque' | 'jwt';
  denialPage: boolean;
  entityId: string;
  acsUrls: string;
  nameIdFormat: 'persistent' | 'email';
  spCertificate: string;
  metadataXml: string;
  sloUrl: string;
  defaultRelayState: string;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const lines = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string').join('\n') : '');
const list = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export function ssoFormOf(settings: Record<string, unknown>): SsoForm {
  const protocol: SsoProtocol = settings.protocol === 'oidc' || settings.protocol === 'saml' ? settings.protocol : 'none';
  return {
    protocol,
    redirectUris: lines(settings.redirectUris),
    postLogoutRedirectUris: lines(settings.postLogoutRedirectUris),
    grantTypes: Array.isArray(settings.grantTypes) ? settings.grantTypes.filter((g): g is string => typeof g === 'string') : ['authorization_code'],
    isPublic: settings.public === true,
    initiateLoginUri: str(settings.initiateLoginUri),
    tokenFormat: settings.tokenFormat === 'jwt' ? 'jwt' : 'opaque',
    denialPage: settings.denialPage === true,
    entityId: str(settings.entityId),
    acsUrls: lines(settings.acsUrls),
    nameIdFormat: settings.nameIdFormat === 'email' ? 'email' : 'persistent',
    spCertificate: str(settings.spCertificate),
    metadataXml: str(settings.metadataXml),
    sloUrl: str(settings.sloUrl),
    defaultRelayState: str(settings.defaultRelayState),
  };
}

const OIDC_KEYS = ['redirectUris', 'postLogoutRedirectUris', 'grantTypes', 'public', 'initiateLoginUri', 'tokenFormat', 'denialPage'];
const SAML_KEYS = ['entityId', 'acsUrls', 'nameIdFormat', 'spCertificate', 'metadataXml', 'sloUrl', 'defaultRelayState'];

/**
 * The settings to send: the form's fields over what the application already had, so that settings
 * this form does not show (token lifetimes set through the API, say) are kept; optional fields
 * left empty are left out, and the server checks the rest.
 */
export function settingsOf(form: SsoForm, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(previous).filter(([k]) => k !== 'protocol' && !OIDC_KEYS.includes(k) && !SAML_KEYS.includes(k)));
  if (form.protocol === 'none') return kept;
  if (form.protocol === 'oidc') {
    return {
      ...kept,
      protocol: 'oidc',
      redirectUris: list(form.redirectUris),
      postLogoutRedirectUris: list(form.postLogoutRedirectUris),
      grantTypes: form.grantTypes,
      public: form.isPublic,
      // Opaque is the default.
      ...(form.tokenFormat === 'jwt' ? { tokenFormat: 'jwt' } : {}),
      ...(form.initiateLoginUri.trim() ? { initiateLoginUri: form.initiateLoginUri.trim() } : {}),
      ...(form.denialPage ? { denialPage: true } : {}),
    };
  }
  const fromMetadata = form.metadataXml.trim() !== '';
  return {
    ...kept,
    protocol: 'saml',
    nameIdFormat: form.nameIdFormat,
    ...(fromMetadata ? { metadataXml: form.metadataXml.trim() } : {}),
    ...(form.entityId.trim() ? { entityId: form.entityId.trim() } : {}),
    ...(list(form.acsUrls).length > 0 ? { acsUrls: list(form.acsUrls) } : {}),
    ...(form.spCertificate.trim() ? { spCertificate: form.spCertificate.trim() } : {}),
    ...(form.sloUrl.trim() ? { sloUrl: form.sloUrl.trim() } : {}),
    ...(form.defaultRelayState.trim() ? { defaultRelayState: form.defaultRelayState.trim() } : {}),
  };
}

export const emptySsoForm = (): SsoForm => ssoFormOf({});

/** The protocol's fields, for a new application and for an existing one's settings. */
export function SsoFields({ value, onChange, protocols = true }: { value: SsoForm; onChange: (next: SsoForm) => void; protocols?: boolean }) {
  const set = <K extends keyof SsoForm>(key: K, v: SsoForm[K]) => onChange({ ...value, [key]: v });
  return (
    <Stack gap="sm">
      {protocols && (
        <NativeSelect
          label="Single sign-on"
          description="How the application signs its users in through Castellan. LDAP applications are set up on the LDAP page."
          value={value.protocol}
          onChange={(e) => set('protocol', e.currentTarget.value as SsoProtocol)}
          data={[
            { value: 'none', label: 'None' },
            { value: 'oidc', label: 'OpenID Connect' },
            { value: 'saml', label: 'SAML 2.0' },
          ]}
          w={{ base: '100%', sm: 320 }}
        />
      )}
      {value.protocol === 'oidc' && (
        <>
          <Checkbox.Group label="Grant types" value={value.grantTypes} onChange={(v) => set('grantTypes', v)}>
            <Stack gap={6} mt={6}>
              {GRANT_TYPES.map((g) => (
                <Checkbox key={g.value} value={g.value} label={g.label} />
              ))}
            </Stack>
          </Checkbox.Group>
          <Textarea
            label="Redirect URIs"
            description="One per line: https, or http on a loopback address for native apps."
            value={value.redirectUris}
            onChange={(e) => set('redirectUris', e.currentTarget.value)}
            autosize
            minRows={2}
          />
          <Textarea
            label="Post-logout redirect URIs"
            description="One per line; where the application may send people after signing them out."
            value={value.postLogoutRedirectUris}
            onChange={(e) => set('postLogoutRedirectUris', e.currentTarget.value)}
            autosize
            minRows={1}
          />
          <TextInput
            label="Initiate-login URI"
            description="Optional: where the user portal sends people to open the application (it starts its own sign-in)."
            value={value.initiateLoginUri}
            onChange={(e) => set('initiateLoginUri', e.currentTarget.value)}
          />
          <Switch label="Public client (a browser or native app that cannot keep a secret; PKCE is always required)" checked={value.isPublic} onChange={(e) => set('isPublic', e.currentTarget.checked)} />
          <NativeSelect
            label="Access token format"
            value={value.tokenFormat}
            onChange={(e) => set('tokenFormat', e.currentTarget.value === 'jwt' ? 'jwt' : 'opaque')}
            data={[
              { value: 'opaque', label: 'Opaque (checked by introspection)' },
              { value: 'jwt', label: 'JWT (signed, checked with the JWKS)' },
            ]}
            w={{ base: '100%', sm: 320 }}
          />
          <Switch
            label="Show a denial page at Castellan when someone without access signs in (for applications that misread the error redirect)"
            checked={value.denialPage}
            onChange={(e) => set('denialPage', e.currentTarget.checked)}
          />
        </>
      )}
      {value.protocol === 'saml' && (
        <>
          <Textarea
            label="Service provider metadata (XML)"
            description="Paste the application's metadata, or fill in the fields below instead."
            value={value.metadataXml}
            onChange={(e) => set('metadataXml', e.currentTarget.value)}
            autosize
            minRows={2}
            maxRows={8}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <TextInput label="Entity ID" value={value.entityId} onChange={(e) => set('entityId', e.currentTarget.value)} />
          <Textarea
            label="Assertion consumer service URLs"
            description="One per line. Castellan answers only to these."
            value={value.acsUrls}
            onChange={(e) => set('acsUrls', e.currentTarget.value)}
            autosize
            minRows={1}
          />
          <NativeSelect
            label="NameID"
            value={value.nameIdFormat}
            onChange={(e) => set('nameIdFormat', e.currentTarget.value === 'email' ? 'email' : 'persistent')}
            data={[
              { value: 'persistent', label: 'Persistent (an opaque, stable id per person and application)' },
              { value: 'email', label: 'Email address' },
            ]}
            w={{ base: '100%', sm: 420 }}
          />
          <Textarea
            label="Service provider certificate (PEM)"
            description="Optional: when given, the application's requests must be signed with it."
            value={value.spCertificate}
            onChange={(e) => set('spCertificate', e.currentTarget.value)}
            autosize
            minRows={1}
            maxRows={8}
            styles={{ input: { fontFamily: 'monospace' } }}
          />
          <TextInput label="Single logout URL" description="Optional." value={value.sloUrl} onChange={(e) => set('sloUrl', e.currentTarget.value)} />
          <TextInput
            label="Default RelayState"
            description="Optional: where the application takes people who open it from their home page (IdP-initiated sign-in)."
            value={value.defaultRelayState}
            onChange={(e) => set('defaultRelayState', e.currentTarget.value)}
          />
        </>
      )}
    </Stack>
  );
}

/** PRO-2: a client secret just made or rotated: shown this once, to copy. */
export function NewClientSecret({ secret, onDone }: { secret: ClientSecret; onDone: () => void }) {
  return (
    <OneTimeSecret
      title="The client secret"
      note="Copy it now: it will not be shown again."
      testId="client-secret"
      values={[
        { label: 'Client ID', value: secret.clientId, copyLabel: 'Copy the client ID' },
        { label: 'Client secret', value: secret.clientSecret, copyLabel: 'Copy the client secret', testId: 'client-secret-value', secret: true },
      ]}
      onDone={onDone}
    />
  );
}

function Endpoints({ rows }: { rows: [string, string][] }) {
  return (
    <Table data-testid="sso-endpoints" verticalSpacing={4} withRowBorders={false}>
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th scope="row" fw={500} style={{ whiteSpace: 'nowrap', verticalAlign: 'top' }}>
              {label}
            </Table.Th>
            <Table.Td>
              <Group gap="xs" wrap="nowrap" align="flex-start">
                <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
                <CopyValue value={value} label={`Copy the ${label.toLowerCase()}`} />
              </Group>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/**
 * PRO-2, PRO-5: an application's single sign-on on its page: what its administrator configures in
 * the application (the issuer, or the IdP metadata), its settings, and the OIDC client secret.
 */
export function SingleSignOnSection({ orgId, resource, onSaved }: { orgId: string; resource: Resource; onSaved: (r: Resource) => void }) {
  const [form, setForm] = useState<SsoForm>(() => ssoFormOf(resource.settings));
  const [saved, setSaved] = useState(false);
  const [secret, setSecret] = useState<ClientSecret | null>(null);
  const save = useRequest();
  const rotate = useRequest();
  const origin = window.location.origin;
  const current = ssoFormOf(resource.settings);
  const enc = encodeURIComponent(resource.id);
  if (resource.settings.protocol === 'ldap') return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const result = await save.run(() => api.updateResource(orgId, resource.id, { settings: settingsOf(form, resource.settings) }));
    if (result.ok) {
      setSaved(true);
      setForm(ssoFormOf(result.value.settings));
      onSaved(result.value);
    }
  }

  async function rotateSecret() {
    const result = await rotate.run(() => api.rotateClientSecret(orgId, resource.id));
    if (result.ok) setSecret(result.value);
  }

  const oidcRows: [string, string][] = [
    ['Issuer', `${origin}/oidc`],
    ['Discovery document', `${origin}/oidc/.well-known/openid-configuration`],
    ['Client ID', resource.id],
  ];
  const samlRows: [string, string][] = [
    ['IdP metadata', `${origin}/saml/${enc}/metadata`],
    ['Single sign-on URL', `${origin}/saml/${enc}/sso`],
    ['Single logout URL', `${origin}/saml/${enc}/slo`],
  ];

  return (
    <Section
      title="Single sign-on"
      description="How this application signs its users in through Castellan. Only users granted access get in; a suspended user is refused at once."
    >
      {current.protocol === 'oidc' && <Endpoints rows={oidcRows} />}
      {current.protocol === 'saml' && <Endpoints rows={samlRows} />}
      {current.protocol === 'oidc' && !current.isPublic && (
        <Stack gap="xs" align="flex-start">
          {secret ? (
            <NewClientSecret secret={secret} onDone={() => setSecret(null)} />
          ) : (
            <Button variant="default" onClick={rotateSecret} loading={rotate.loading}>
              Rotate the client secret
            </Button>
          )}
          <ProblemAlert message={rotate.error?.detail} />
        </Stack>
      )}
      <form onSubmit={submit} noValidate aria-label={`Single sign-on settings of ${resource.name}`}>
        <Stack gap="sm">
          <ProblemAlert message={save.error?.detail} />
          <SsoFields value={form} onChange={setForm} />
          <Group>
            <Button type="submit" loading={save.loading}>
              Save sign-in settings
            </Button>
          </Group>
          {saved && (
            <Text size="sm" c="teal.8" role="status">
              Saved.
            </Text>
          )}
        </Stack>
      </form>
    </Section>
  );
}
