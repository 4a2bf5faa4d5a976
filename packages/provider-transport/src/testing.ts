// Test helpers, not part of the providers' API: `@mmre/provider-transport/testing`.
export { FakeClock } from './clock.js';
