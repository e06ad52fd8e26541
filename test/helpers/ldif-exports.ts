/**
 * DIR-5: exports of other directories, as their tools write them, for the import's tests.
 * The password hashes are of `LEGACY_PASSWORD`, made with slappasswd and openssl (see
 * src/modules/accounts/legacy-hashes.test.ts).
 */

export const LEGACY_PASSWORD = 'correct horse battery';

/** The hashes inside OPENLDAP_EXPORT's base64 userPassword values (ada's, grace's, linus's, the admin's). */
export const OPENLDAP_HASHES = {
  ada: '{SSHA}qIYR4LJk9U16Iw1wHZeMrlrwA0ZTugNT',
  grace: '{CRYPT}$6$Zq9xLr2T$1UZ8uMlPie8AHmaDE/2QZtEm1W1Ura4ZS1hYCJEP8.FkxkZSem3x5fSKVlSEJr2I5EVwyB6iLRJ1jNDUiW9fe.',
  linus: '{MD5}iOTd0kAtktUOGHnW7Nn/1A==',
  admin: '{SSHA}Tq4I+CTuRs2M9tN0zB1C2iO3kGqzWd1q',
};

/**
 * OpenLDAP 2.5: `ldapsearch -x -b dc=example,dc=com '*' +` output (its comments, `version: 1`, and
 * the `search:`/`result:` trailer) around slapcat's entries: the base, the admin's
 * organizationalRole, ou=people and ou=groups; three inetOrgPerson + posixAccount + shadowAccount
 * users with base64 userPassword and operational attributes; a posixGroup with memberUid, a
 * groupOfNames + posixGroup with member DNs (one written in another case and spacing, one naming
 * the admin), a groupOfUniqueNames without gidNumber. Long lines are folded at 76 columns.
 */
export const OPENLDAP_EXPORT = `# extended LDIF
#
# LDAPv3
# base <dc=example,dc=com> with scope subtree
# filter: (objectclass=*)
# requesting: * +
#

version: 1

dn: dc=example,dc=com
objectClass: top
objectClass: dcObject
objectClass: organization
o: Example Inc.
dc: example
structuralObjectClass: organization
entryUUID: 5b1b0f6e-3f0d-103f-8b1a-2d1f4b0c9a11
createTimestamp: 20240311094501Z

dn: cn=admin,dc=example,dc=com
objectClass: simpleSecurityObject
objectClass: organizationalRole
cn: admin
description: LDAP administrator
userPassword:: e1NTSEF9VHE0SStDVHVSczJNOXROMHpCMUMyaU8za0dxeldkMXE=
structuralObjectClass: organizationalRole

dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people
structuralObjectClass: organizationalUnit

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups
structuralObjectClass: organizationalUnit

dn: uid=ada,ou=people,dc=example,dc=com
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
uid: ada
cn: Ada Lovelace
sn: Lovelace
givenName: Ada
mail: ada@example.com
uidNumber: 2001
gidNumber: 3000
homeDirectory: /home/ada
loginShell: /bin/zsh
shadowLastChange: 19793
userPassword:: e1NTSEF9cUlZUjRMSms5VTE2SXcxd0haZU1ybHJ3QTBaVHVnTlQ=
structuralObjectClass: inetOrgPerson
entryUUID: 5b1c7e2a-3f0d-103f-8b1e-000000000001
creatorsName: cn=admin,dc=example,dc=com
createTimestamp: 20240311094512Z
entryCSN: 20240311094512.318224Z#000000#000#000000
modifiersName: cn=admin,dc=example,dc=com
modifyTimestamp: 20240311094512Z

dn: uid=grace,ou=people,dc=example,dc=com
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
uid: grace
cn: Grace Brewster Murray Hopper
sn: Hopper
mail: grace@example.com
description: Rear admiral, computer scientist, one of the first programmers 
 of the Harvard Mark I, and inventor of the first linkers
uidNumber: 12000
gidNumber: 12000
homeDirectory: /srv/home/grace
loginShell: /bin/bash
userPassword:: e0NSWVBUfSQ2JFpxOXhMcjJUJDFVWjh1TWxQaWU4QUhtYURFLzJRWnRFbTFXM
 VVyYTRaUzFoWUNKRVA4LkZreGtaU2VtM3g1ZlNLVmxTRUpyMkk1RVZ3eUI2aUxSSjFqTkRVaVc5
 ZmUu
structuralObjectClass: inetOrgPerson
entryUUID: 5b1c7e2a-3f0d-103f-8b1e-000000000002
creatorsName: cn=admin,dc=example,dc=com
createTimestamp: 20240311094512Z
entryCSN: 20240311094512.318224Z#000000#000#000000
modifiersName: cn=admin,dc=example,dc=com
modifyTimestamp: 20240311094512Z

dn: uid=linus,ou=people,dc=example,dc=com
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
uid: linus
cn:: TGludXMgVMO2cm5xdmlzdA==
sn:: VMO2cm5xdmlzdA==
mail: linus@example.com
uidNumber: 2003
gidNumber: 3000
homeDirectory: /home/linus
loginShell: /usr/bin/fish
userPassword:: e01ENX1pT1RkMGtBdGt0VU9HSG5XN05uLzFBPT0=
structuralObjectClass: inetOrgPerson
entryUUID: 5b1c7e2a-3f0d-103f-8b1e-000000000003
creatorsName: cn=admin,dc=example,dc=com
createTimestamp: 20240311094512Z
entryCSN: 20240311094512.318224Z#000000#000#000000
modifiersName: cn=admin,dc=example,dc=com
modifyTimestamp: 20240311094512Z

dn: cn=staff,ou=groups,dc=example,dc=com
objectClass: top
objectClass: posixGroup
cn: staff
gidNumber: 3000
memberUid: ada
memberUid: linus
structuralObjectClass: posixGroup

dn: cn=developers,ou=groups,dc=example,dc=com
objectClass: top
objectClass: groupOfNames
objectClass: posixGroup
cn: developers
gidNumber: 3001
description: Everyone who commits to the main repository and reviews changes
  for the release branches
member: uid=ada,ou=people,dc=example,dc=com
member: UID=Grace, OU=People, DC=Example, DC=Com
member: cn=admin,dc=example,dc=com
structuralObjectClass: groupOfNames

dn: cn=ops,ou=groups,dc=example,dc=com
objectClass: top
objectClass: groupOfUniqueNames
cn: ops
uniqueMember: uid=linus,ou=people,dc=example,dc=com#'0101'B
structuralObjectClass: groupOfUniqueNames


# search result
search: 2
result: 0 Success

# numResponses: 11
# numEntries: 10
`;

/**
 * Active Directory: `ldifde -f export.ldf -d "DC=corp,DC=example,DC=com"` with RFC 2307 attributes
 * set on two of its people: the domain, two OUs, two users (one without mail), a group, a computer.
 */
export const AD_EXPORT = `dn: DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: domain
objectClass: domainDNS
distinguishedName: DC=corp,DC=example,DC=com
dc: corp

dn: OU=Staff,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: organizationalUnit
ou: Staff
distinguishedName: OU=Staff,DC=corp,DC=example,DC=com

dn: OU=Groups,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: organizationalUnit
ou: Groups

dn: CN=Ada Lovelace,OU=Staff,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
cn: Ada Lovelace
sn: Lovelace
givenName: Ada
distinguishedName: CN=Ada Lovelace,OU=Staff,DC=corp,DC=example,DC=com
displayName: Ada King, Countess of Lovelace
memberOf: CN=Engineers,OU=Groups,DC=corp,DC=example,DC=com
name: Ada Lovelace
objectGUID:: 7ZJ1yN3rRUWkQ5tQeJ0ZxA==
userAccountControl: 512
objectSid:: AQUAAAAAAAUVAAAAoGXPfnhLm1/nfIdwTwQAAA==
sAMAccountName: ALovelace
sAMAccountType: 805306368
userPrincipalName: alovelace@corp.example.com
mail: ada.lovelace@example.com
homeDirectory: \\\\fileserver\\home\\alovelace
homeDrive: H:
uidNumber: 20001
gidNumber: 20000
unixHomeDirectory: /home/alovelace
loginShell: /bin/bash
whenCreated: 20240102101500.0Z

dn: CN=Alan Turing,OU=Staff,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
cn: Alan Turing
sn: Turing
sAMAccountName: aturing
userPrincipalName: aturing@corp.example.com
userAccountControl: 512

dn: CN=Engineers,OU=Groups,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: group
cn: Engineers
member: CN=Ada Lovelace,OU=Staff,DC=corp,DC=example,DC=com
member: CN=Alan Turing,OU=Staff,DC=corp,DC=example,DC=com
sAMAccountName: engineers
groupType: -2147483646
gidNumber: 20000

dn: CN=WS-0042,CN=Computers,DC=corp,DC=example,DC=com
changetype: add
objectClass: top
objectClass: person
objectClass: organizationalPerson
objectClass: user
objectClass: computer
cn: WS-0042
sAMAccountName: WS-0042$
userAccountControl: 4096
dNSHostName: ws-0042.corp.example.com
operatingSystem: Windows 11 Enterprise

`;
