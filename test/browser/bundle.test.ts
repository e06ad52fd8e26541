/**
 * The JavaScript a browser must fetch before the first page can run (the entry
 * script of dist/web/index.html and every chunk it modulepreloads) stays within
 * 250 kB gzipped. Chunks loaded later (lazily imported) are not counted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { requireWebBuild, WEB_ROOT } from '../helpers/browser.ts';

const BUDGET_BYTES = 250 * 1024;

/** The value of `name` in one HTML start tag's attributes, or undefined. */
function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/** The scripts index.html makes the browser load at once: module entry scripts and modulepreload links. */
function initialScripts(html: string): string[] {
  const urls: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (src && attr(tag, 'type') === 'module') urls.push(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(tag, 'href');
    if (href && attr(tag, 'rel')?.split(/\s+/).includes('modulepreload')) urls.push(href);
  }
  return [...new Set(urls)];
}

describe('the web bundle', () => {
  beforeAll(() => requireWebBuild());

  it('UI: the entry script and its modulepreloaded chunks are at most 250 kB gzipped', () => {
    const html = readFileSync(path.join(WEB_ROOT, 'index.html'), 'utf8');
    const scripts = initialScripts(html);
    expect(scripts.length, 'index.html loads at least one module script').toBeGreaterThan(0);
    let total = 0;
    const rows: string[] = [];
    for (const url of scripts) {
      expect(url, 'served by Castellan itself (same origin)').toMatch(/^\/(?!\/)/);
      const file = path.join(WEB_ROOT, decodeURIComponent(url.split(/[?#]/)[0]!));
      expect(file.startsWith(WEB_ROOT + path.sep), `${url} is inside dist/web`).toBe(true);
      const raw = readFileSync(file);
      const gz = gzipSync(raw, { level: 9 }).length;
      total += gz;
      rows.push(`  ${url}: ${(raw.length / 1024).toFixed(1)} kB raw, ${(gz / 1024).toFixed(1)} kB gzipped`);
    }
    console.log(
      `web bundle: ${scripts.length} initial script(s), ${(total / 1024).toFixed(1)} kB gzipped (budget ${BUDGET_BYTES / 1024} kB)\n${rows.join('\n')}`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
