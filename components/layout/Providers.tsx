'use client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';

export function Providers({ children }: { children: React.ReactNode }) {
  // One QueryClient per browser session.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { refetchOnWindowFocus: false, retry: 2, retryDelay: (n) => Math.min(500 * 2 ** n, 4000) } },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
