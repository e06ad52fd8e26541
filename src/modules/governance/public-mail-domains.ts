/**
 * GOV-2: public mail domains, where anyone can get an address: no organization may verify or claim
 * one. Keep this list maintained (additions welcome); names are A-labels, lower case. A few
 * providers run a domain per country (`yahoo.*`, `yandex.*`): their base names are in
 * PUBLIC_MAIL_BRANDS and match under any top-level or second-level suffix.
 */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'outlook.de',
  'outlook.fr',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.fr',
  'hotmail.de',
  'hotmail.it',
  'live.com',
  'live.co.uk',
  'live.fr',
  'msn.com',
  'passport.com',
  'ymail.com',
  'rocketmail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'aim.com',
  'proton.me',
  'protonmail.com',
  'protonmail.ch',
  'pm.me',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'gmx.at',
  'gmx.ch',
  'web.de',
  'mail.com',
  'email.com',
  'zoho.com',
  'zohomail.com',
  'fastmail.com',
  'fastmail.fm',
  'tutanota.com',
  'tutanota.de',
  'tuta.io',
  'tuta.com',
  'hey.com',
  'qq.com',
  'foxmail.com',
  '163.com',
  '126.com',
  'yeah.net',
  'sina.com',
  'naver.com',
  'daum.net',
  'mail.ru',
  'inbox.ru',
  'list.ru',
  'bk.ru',
  'rambler.ru',
  'ya.ru',
  'orange.fr',
  'wanadoo.fr',
  'free.fr',
  'laposte.net',
  'libero.it',
  't-online.de',
  'freenet.de',
  'seznam.cz',
  'wp.pl',
  'o2.pl',
  'interia.pl',
  'rediffmail.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'sbcglobal.net',
  'bellsouth.net',
  'cox.net',
  'charter.net',
  'btinternet.com',
  'sky.com',
  'virginmedia.com',
  'bigpond.com',
  'shaw.ca',
  'rogers.com',
  'sympatico.ca',
  'posteo.de',
  'mailbox.org',
  'disroot.org',
  'riseup.net',
  'duck.com',
  'hushmail.com',
  'inbox.com',
  'mail.ee',
  'yopmail.com',
  'mailinator.com',
  'guerrillamail.com',
]);

/** Providers with a mail domain per country: `yahoo.com`, `yahoo.co.jp`, `yandex.ru`, `yandex.com.tr`... */
export const PUBLIC_MAIL_BRANDS: ReadonlySet<string> = new Set(['yahoo', 'yandex']);

/** The name (normalised: A-labels, lower case, no trailing dot) is a public mail domain or a sub-domain of one. */
export function isPublicMailDomain(name: string): boolean {
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const suffix = labels.slice(i).join('.');
    if (PUBLIC_MAIL_DOMAINS.has(suffix)) return true;
    // brand.tld or brand.sld.tld (yahoo.co.uk), with a short country or generic suffix.
    const rest = labels.slice(i + 1);
    if (PUBLIC_MAIL_BRANDS.has(labels[i] as string) && rest.length <= 2 && rest.every((l) => /^[a-z]{2,3}$/.test(l))) return true;
  }
  return false;
}
