import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Four projects, run side by side in one pool of workers (`npm test` runs them all; `npx vitest run
 * --project unit` one of them):
 *  - unit: pure code, no database, no network, no child process (the files listed below);
 *  - integration: everything else under src/ and test/ that is not browser or process (a real
 *    database, SQLite and PostgreSQL when TEST_DATABASE_URL is set, and SMTP on loopback);
 *  - browser: test/browser/**, Debian's Chromium against a Castellan on a real port;
 *  - process: files named *.process.test.ts, which start real child processes (castellan serve).
 * A new test file is integration unless it is named for another project or listed as unit.
 *
 * Unit, integration and browser files share their worker's modules (`isolate: false`): importing
 * the server's code again for every file cost more than many of the files' tests (in the browser
 * project, a sixth of its CPU time). A test file that changes process-wide state (the
 * environment, a module's variables) puts it back when it ends.
 */
const UNIT = [
  'src/core/caller.test.ts',
  'src/core/csv.test.ts',
  'src/core/dn.test.ts',
  'src/core/errors.test.ts',
  'src/http/contracts.test.ts',
  'src/modules/accounts/legacy-hashes.test.ts',
  'src/modules/billing/payment-provider.test.ts',
  'src/modules/governance/webhooks.address.test.ts',
  'src/modules/privacy/ip.test.ts',
  'src/modules/privacy/marketing.tokens.test.ts',
  'src/modules/privacy/policies.diff.test.ts',
  'src/modules/support/calendar.test.ts',
  'src/modules/support/eligibility.test.ts',
  'src/modules/support/kb.query.test.ts',
  'src/modules/support/tickets.core.test.ts',
  'src/protocols/ldap/ber.test.ts',
  'src/protocols/ldap/fuzz.test.ts',
  'src/protocols/ldap/messages.test.ts',
  'src/protocols/scim/filter.test.ts',
  'src/protocols/scim/fuzz.test.ts',
  'src/protocols/scim/patch.test.ts',
  'src/protocols/scim/projection.test.ts',
  'src/protocols/scim/schemas.test.ts',
  'src/protocols/smtp-in/parse.test.ts',
  'src/web/lib/markdown.test.ts',
  'src/web/lib/navigation.test.ts',
  'src/web/lib/support.test.ts',
  'src/web/lib/transfer.test.ts',
  'test/table-ownership.test.ts',
];
const BROWSER = ['test/browser/**/*.test.ts'];
const PROCESS = ['src/**/*.process.test.ts', 'test/**/*.process.test.ts'];
const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts'];

// Most of a test's time is spent waiting (for the database, for SMTP, for Chromium, for a child
// process), so one worker more than there are cores keeps the cores busy; Vitest's default (one
// less than the cores) ran the whole suite in a single worker on CI's two cores.
const cores = availableParallelism();
const maxWorkers = Number(process.env.TEST_WORKERS) || Math.min(8, cores + 1);

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      { extends: true, test: { name: 'integration', include: ALL, exclude: [...UNIT, ...BROWSER, ...PROCESS], isolate: false } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: BROWSER,
          // Builds dist/web when it is missing or stale (a quick check when it is current).
          globalSetup: ['./test/global-setup.ts'],
          isolate: false,
        },
      },
      {
        extends: true,
        // Bundles the CLI that the child processes run (test/process-setup.ts).
        test: { name: 'process', include: PROCESS, globalSetup: ['./test/process-setup.ts'] },
      },
    ],
  },
});
