import { Anchor, Blockquote, Code, Divider, List, Stack, Text, Title } from '@mantine/core';
import { Fragment, useMemo } from 'react';
import { type Block, type Inline, parseMarkdown } from '../lib/markdown.ts';
import { AppLink } from './AppLink.tsx';

function Spans({ nodes }: { nodes: Inline[] }) {
  return (
    <>
      {nodes.map((n, i) => {
        switch (n.type) {
          case 'text':
            return <Fragment key={i}>{n.text}</Fragment>;
          case 'code':
            return <Code key={i}>{n.text}</Code>;
          case 'strong':
            return (
              <strong key={i}>
                <Spans nodes={n.children} />
              </strong>
            );
          case 'em':
            return (
              <em key={i}>
                <Spans nodes={n.children} />
              </em>
            );
          case 'link':
            // Paths on this site stay in the app; other links open elsewhere, telling the other site nothing about the page.
            return n.href.startsWith('/') ? (
              <AppLink key={i} to={n.href}>
                <Spans nodes={n.children} />
              </AppLink>
            ) : (
              <Anchor key={i} href={n.href} target="_blank" rel="noopener noreferrer">
                <Spans nodes={n.children} />
              </Anchor>
            );
        }
      })}
    </>
  );
}

function BlockView({ block }: { block: Block }) {
  switch (block.type) {
    case 'heading':
      // The page's own title is the h1: the policy's headings sit below it.
      return (
        <Title order={Math.min(block.level + 1, 6) as 2 | 3 | 4 | 5 | 6} fz={block.level <= 1 ? 'xl' : block.level === 2 ? 'lg' : 'md'} mt="xs">
          <Spans nodes={block.children} />
        </Title>
      );
    case 'paragraph':
      return (
        <Text>
          <Spans nodes={block.children} />
        </Text>
      );
    case 'list':
      return (
        <List type={block.ordered ? 'ordered' : 'unordered'} start={block.ordered ? block.start : undefined} spacing={4} withPadding>
          {block.items.map((item, i) => (
            <List.Item key={i}>
              <Spans nodes={item} />
            </List.Item>
          ))}
        </List>
      );
    case 'quote':
      return (
        <Blockquote p="sm">
          <Spans nodes={block.children} />
        </Blockquote>
      );
    case 'rule':
      return <Divider />;
  }
}

/**
 * PRV-8: a policy's text, from a small safe subset of Markdown, as React
 * elements (never as HTML): nothing in a policy can inject markup or script.
 */
export function PolicyMarkdown({ markdown }: { markdown: string }) {
  const blocks = useMemo(() => parseMarkdown(markdown), [markdown]);
  return (
    <Stack gap="sm">
      {blocks.map((b, i) => (
        <BlockView key={i} block={b} />
      ))}
    </Stack>
  );
}
