import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, plainText, safeHref } from './markdown.ts';

describe('policy markdown', () => {
  it('PRV-8: headings, paragraphs, lists, quotes and rules become blocks', () => {
    const blocks = parseMarkdown(
      '# Privacy policy\n\nWe keep\nyour email.\n\n- names\n- emails\n  and phones\n\n3. third\n4. fourth\n\n> Note\n\n---\n## What we share ##\n',
    );
    expect(blocks).toEqual([
      { type: 'heading', level: 1, children: [{ type: 'text', text: 'Privacy policy' }] },
      { type: 'paragraph', children: [{ type: 'text', text: 'We keep your email.' }] },
      { type: 'list', ordered: false, start: 1, items: [[{ type: 'text', text: 'names' }], [{ type: 'text', text: 'emails and phones' }]] },
      { type: 'list', ordered: true, start: 3, items: [[{ type: 'text', text: 'third' }], [{ type: 'text', text: 'fourth' }]] },
      { type: 'quote', children: [{ type: 'text', text: 'Note' }] },
      { type: 'rule' },
      { type: 'heading', level: 2, children: [{ type: 'text', text: 'What we share' }] },
    ]);
  });

  it('PRV-8: emphasis, strong, code and links; underscores inside words stay text', () => {
    expect(parseInline('We **never** sell *your* data, see `user_id` and [the archive](/privacy/archive) or [mail us](mailto:privacy@example.com).')).toEqual([
      { type: 'text', text: 'We ' },
      { type: 'strong', children: [{ type: 'text', text: 'never' }] },
      { type: 'text', text: ' sell ' },
      { type: 'em', children: [{ type: 'text', text: 'your' }] },
      { type: 'text', text: ' data, see ' },
      { type: 'code', text: 'user_id' },
      { type: 'text', text: ' and ' },
      { type: 'link', href: '/privacy/archive', children: [{ type: 'text', text: 'the archive' }] },
      { type: 'text', text: ' or ' },
      { type: 'link', href: 'mailto:privacy@example.com', children: [{ type: 'text', text: 'mail us' }] },
      { type: 'text', text: '.' },
    ]);
    expect(parseInline('snake_case_name and __bold__ and _it_')).toEqual([
      { type: 'text', text: 'snake_case_name and ' },
      { type: 'strong', children: [{ type: 'text', text: 'bold' }] },
      { type: 'text', text: ' and ' },
      { type: 'em', children: [{ type: 'text', text: 'it' }] },
    ]);
    expect(plainText(parseInline('a \\*literal\\* star, 2 * 3 = 6'))).toBe('a *literal* star, 2 * 3 = 6');
  });

  it('PRV-8: only http(s), mailto and same-site links are links; script URLs and raw HTML stay text', () => {
    for (const bad of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<b>x</b>', '//evil.example/x', 'vbscript:x', ' java\tscript:x', '/\\evil.example/x', '\\\\evil.example', '/\t/evil.example', 'https:\\\\evil.example', 'https://good.example\\@evil.example', 'https:///evil.example']) {
      expect(safeHref(bad), bad).toBeNull();
      const nodes = parseInline(`[click](${bad})`);
      expect(nodes.some((n) => n.type === 'link'), bad).toBe(false);
    }
    expect(safeHref('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeHref('/kb/articles/sssd')).toBe('/kb/articles/sssd');
    const html = parseMarkdown('<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>');
    expect(html).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: '<script>alert(1)</script>' }] },
      { type: 'paragraph', children: [{ type: 'text', text: '<img src=x onerror=alert(1)>' }] },
    ]);
  });

  it('PRV-8: unmatched delimiters, however many, are text and parse without blowing up', () => {
    // Links that never close, and underscores that only ever sit inside words.
    const wild = '[x]( _a '.repeat(30_000);
    const nodes = parseInline(wild);
    expect(nodes.length).toBe(1);
    expect(plainText(nodes) === wild).toBe(true);
    const deep = `${'*a '.repeat(5000)}${'a* '.repeat(5000)}`;
    expect(plainText(parseInline(deep)).replace(/[* ]/g, '') === 'a'.repeat(10_000)).toBe(true);
  });
});
