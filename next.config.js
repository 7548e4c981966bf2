// @ts-check
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS config file */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

// The analysis worker thread the server starts (lib/server/analysis.ts) is plain JavaScript
// built by esbuild (lib/cli/build.mjs); build it when missing or older than its sources.
spawnSync(process.execPath, [path.join(__dirname, 'lib', 'cli', 'build.mjs'), '--if-stale', '--quiet'], { stdio: 'inherit' });

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The Kubernetes client uses Node APIs (net, tls, streams); keep it out of the bundle.
  serverExternalPackages: ['@kubernetes/client-node'],
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'X-Frame-Options', value: 'DENY' },
          { key: 'Referrer-Policy', value: 'same-origin' },
        ],
      },
    ];
  },
};

module.exports = nextConfig;
