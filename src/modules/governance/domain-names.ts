import { isIP } from 'node:net';
import { domainToASCII, domainToUnicode } from 'node:url';
import { AppError } from '../../core/errors.ts';
import { GovernanceErrors } from './governance.errors.ts';
import { isPublicMailDomain } from './public-mail-domains.ts';

/** RFC 1035 §2.3.4: 253 characters in text form, 63 per label. */
const MAX_NAME = 253;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
/** A top-level domain is never all digits (RFC 3696 §2), which also keeps dotted numbers out. */
const TLD = /^(?:[a-z][a-z0-9-]*|xn--[a-z0-9-]+)$/;

const invalid = (message?: string) => new AppError(GovernanceErrors.invalidDomain, message, { details: { field: 'name' } });

/**
 * GOV-2: a domain name as Castellan keeps it: trimmed, lower case, without the trailing dot of a
 * fully qualified name, IDN labels as A-labels (UTS #46 through `domainToASCII`). Refuses what
 * cannot be a registered domain: an IP address, a single label, an empty or over-long label or
 * name, characters outside letters, digits and hyphens, and public mail domains.
 */
export function normalizeDomainName(input: unknown): string {
  if (typeof input !== 'string') throw invalid();
  const name = input.trim().toLowerCase();
  if (name.length === 0 || name.length > 1000) throw invalid();
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  if (isIP(bare) !== 0 || isIP(bare.replace(/^\[|\]$/g, '')) !== 0) throw invalid('An IP address is not a domain name: give a name such as example.com.');
  // The trailing dot is dropped after the mapping: UTS #46 maps the ideographic and other full
  // stops (`。`, `．`, `｡`) to '.', so `example.com。` only ends with a dot once mapped. One dot only.
  let ascii = domainToASCII(name);
  if (ascii.endsWith('.')) ascii = ascii.slice(0, -1);
  if (!ascii || ascii.length > MAX_NAME) throw invalid();
  const labels = ascii.split('.');
  if (labels.length < 2) throw invalid('A single label is not a domain that can be verified: give a name such as example.com.');
  if (!labels.every((l) => LABEL.test(l)) || !TLD.test(labels.at(-1) as string)) throw invalid();
  if (isPublicMailDomain(ascii)) throw new AppError(GovernanceErrors.publicMailDomain, undefined, { details: { field: 'name' } });
  return ascii;
}

/** The forms an address's domain may be written in: the A-labels, and the Unicode form when it differs. */
export function addressForms(ascii: string): string[] {
  const unicode = domainToUnicode(ascii);
  return unicode && unicode !== ascii ? [ascii, unicode] : [ascii];
}
