import '@mantine/core/styles.css';
import './app.css';
import { MantineProvider } from '@mantine/core';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { ConsentProvider } from './lib/consent.tsx';
import { SessionProvider } from './session.tsx';
import { theme } from './theme.ts';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <MantineProvider theme={theme} defaultColorScheme="light">
    <SessionProvider>
      <ConsentProvider>
        <App />
      </ConsentProvider>
    </SessionProvider>
  </MantineProvider>,
);
