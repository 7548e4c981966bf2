import { defineConfig } from 'vitest/config';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  resolve: { alias: { '@': root } },
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
