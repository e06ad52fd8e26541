import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * DESIGN.md, "Each module owns its tables": a module's tables are read and written by that module's
 * repositories only; other code calls its index.ts. This test reads every table each module declares (its
 * `*Tables` interfaces), finds every table each source file names in a query (Kysely's builders and
 * raw SQL), and fails on a table of another module. docs/tables.md lists the owners and is kept in
 * step, as docs/errors.md is with the error catalogue.
 */

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'web' || d.name === 'migrations' ? [] : files(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Table name → the module that declares it (the core's own table is declared in src/db/schema.ts). */
function owners(): Map<string, string> {
  const out = new Map<string, string>([['instance_settings', 'core']]);
  const modules = path.join(SRC, 'modules');
  for (const m of readdirSync(modules)) {
    for (const f of readdirSync(path.join(modules, m)).filter((n) => n.endsWith('.tables.ts'))) {
      const text = readFileSync(path.join(modules, m, f), 'utf8');
      for (const block of text.matchAll(/export interface \w+Tables \{([^}]*)\}/g)) {
        for (const t of (block[1] ?? '').matchAll(/^\s*(\w+):/gm)) out.set(t[1] as string, m);
      }
    }
  }
  return out;
}

const moduleOf = (file: string) => {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel[0] === 'modules' ? (rel[1] as string) : 'core';
};

/** Tables a file names in a query: the builders' first argument, and FROM/JOIN/INTO/UPDATE in raw SQL and statements. */
function tablesIn(text: string, known: Set<string>): Set<string> {
  const found = new Set<string>();
  const add = (name: string | undefined) => {
    const base = name?.split(/\s+as\s+|\s/)[0];
    if (base && known.has(base)) found.add(base);
  };
  for (const m of text.matchAll(/\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|with)\(\s*['"]([\w ]+)['"]/g)) add(m[1]);
  // Raw SQL: Kysely's sql`...` templates, and statements written once (statement('...', '...')).
  for (const m of [...text.matchAll(/sql(?:<[^`]*?>)?`([^`]*)`/g), ...text.matchAll(/\bstatement(?:<[^(]*?>)?\(([\s\S]*?)\);/g)]) {
    for (const t of (m[1] ?? '').matchAll(/\b(?:from|join|into|update)\s+(\w+)/gi)) add(t[1]);
  }
  return found;
}

describe('each module owns its tables', () => {
  const tableOwner = owners();
  const known = new Set(tableOwner.keys());
  /** File (relative to the repository) → the tables it queries. */
  const uses = new Map<string, Set<string>>();
  for (const file of files(SRC)) {
    const tables = tablesIn(readFileSync(file, 'utf8'), known);
    if (tables.size > 0) uses.set(path.relative(ROOT, file), tables);
  }

  it('finds the tables of every module, and queries of them', () => {
    expect(new Set(tableOwner.values()).size).toBeGreaterThanOrEqual(8);
    expect(uses.size).toBeGreaterThan(10);
    // The reader itself catches a foreign query: this one names two tables of two modules.
    expect([...tablesIn("db.selectFrom('accounts').innerJoin('memberships', 'a', 'b'); sql`select 1 from cards`", known)].sort()).toEqual(['accounts', 'cards', 'memberships']);
    expect([...tablesIn("const s = statement<{ id: string }>('select id from sessions s join memberships m on m.id = s.id', `update cards set x = 1`);", known)].sort()).toEqual(['cards', 'memberships', 'sessions']);
  });

  it('no code queries another module’s tables', () => {
    const foreign: string[] = [];
    for (const [file, tables] of uses) {
      const m = moduleOf(path.join(ROOT, file));
      for (const t of tables) if (tableOwner.get(t) !== m) foreign.push(`${file} queries ${t}, a table of ${tableOwner.get(t)}`);
    }
    expect(foreign).toEqual([]);
  });

  it('inside a module, only its repositories build queries', () => {
    const outside = [...uses.keys()].filter((f) => f.startsWith('src/modules/') && !f.endsWith('.repository.ts'));
    expect(outside).toEqual([]);
  });

  it('docs/tables.md lists every table with its module', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'tables.md'), 'utf8');
    const documented = new Map([...doc.matchAll(/^\| `(\w+)` \| `?(\w+)`? \|/gm)].map((m) => [m[1] as string, m[2] as string]));
    expect([...documented.entries()].sort()).toEqual([...tableOwner.entries()].sort());
  });
});
