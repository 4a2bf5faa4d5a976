// Types for the vitest-only alias `@mmre-test/shared` (test-support/shared.ts), which tsc cannot
// resolve from this package. Remove once tsconfig.base.json maps `@mmre-test/*` (reported).
declare module '@mmre-test/shared' {
  export function sharedPath(...parts: string[]): string | null;
}
