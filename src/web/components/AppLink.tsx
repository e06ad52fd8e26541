import { Anchor, type AnchorProps } from '@mantine/core';
import type { MouseEvent, ReactNode } from 'react';
import { useLocation } from 'wouter';

/** True for clicks the browser should handle itself (new tab, download, …). */
export const isModifiedClick = (e: MouseEvent) => e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey;

/** A client-side link that looks like Mantine's Anchor. */
export function AppLink({ to, children, onNavigate, ...props }: AnchorProps & { to: string; children: ReactNode; onNavigate?: () => void; id?: string }) {
  const [, navigate] = useLocation();
  return (
    <Anchor
      {...props}
      href={to}
      onClick={(e: MouseEvent<HTMLAnchorElement>) => {
        if (isModifiedClick(e)) return;
        e.preventDefault();
        navigate(to);
        onNavigate?.();
      }}
    >
      {children}
    </Anchor>
  );
}
