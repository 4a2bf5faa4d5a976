import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const packages = readdirSync(new URL('./packages', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

// Tests import workspace packages from source, so a change is seen without a rebuild.
// Code that promptfoo loads itself (package: and file:// references) runs from dist/.
const alias = [
  ...packages.map((name) => ({
    find: new RegExp(`^@mmre/${name}$`),
    replacement: `${root}packages/${name}/src/index.ts`,
  })),
  { find: /^@mmre\/core\/testing$/, replacement: `${root}packages/core/src/testing/index.ts` },
  { find: /^@mmre-test\/(.*)$/, replacement: `${root}test-support/$1.ts` },
];

export default defineConfig({
  resolve: { alias },
  test: {
    env: {
      PROMPTFOO_DISABLE_TELEMETRY: '1',
      PROMPTFOO_DISABLE_UPDATE: '1',
      TURBO_TELEMETRY_DISABLED: '1',
      // promptfoo 0.123 still posts a "telemetry disabled" event to r.promptfoo.app with telemetry off:
      // its HTTP client honours these, so that attempt goes to a closed local port and never leaves the
      // machine (tests/offline.test.ts proves it). Loopback servers of the tests are exempt.
      HTTPS_PROXY: 'http://127.0.0.1:9',
      HTTP_PROXY: 'http://127.0.0.1:9',
      NO_PROXY: '127.0.0.1,localhost,::1',
    },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      ...packages.map((name) => ({
        extends: true as const,
        test: {
          name,
          root: `${root}packages/${name}`,
          include: ['src/**/*.test.ts'],
        },
      })),
      {
        // Repository-level tests: packing, configs, README commands.
        extends: true as const,
        test: { name: 'repo', root, include: ['tests/**/*.test.ts', 'configs/**/*.test.ts'] },
      },
      {
        // The README's examples, tested as users would run them.
        extends: true as const,
        test: { name: 'examples', root, include: ['examples/**/*.test.ts'] },
      },
    ],
  },
});
