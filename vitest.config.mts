import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  // 'server-only' marks modules a browser bundle must not import (Next.js fails the build);
  // tests run them in Node, as the route handlers do.
  resolve: { alias: { '@': root, 'server-only': path.join(root, 'node_modules', 'server-only', 'empty.js') } },
  test: {
    include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'app/**/*.test.ts'],
    environment: 'node',
    reporters: ['default'],
    // CI machines are small and busy: a test that is slow under load is not a failing test.
    // Speed goals live in `npm run bench`, never in test timeouts.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
