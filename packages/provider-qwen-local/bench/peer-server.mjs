// Helper for the benchmarks: runs a loopback vLLM-style peer in its own process (so its work is not
// counted as harness time) and prints {"url": ...} on stdout.
// Usage: node peer-server.mjs <latencyMs> [light|full]
//   light (default here): the peer checks structure, data-URL prefix, base64, size and image signature but
//     decodes no image (@mmre/provider-testkit `imageValidation: 'light'`), so it does not compete with the
//     client for the machine's cores; full: every image is decoded with sharp, as in the tests.
// The latency counts from the request's arrival (`latencyFrom: 'arrival'`): a server with a fixed response
// time, whose own parsing and validation happen inside it rather than on top of it.
// Every answer carries a `server-timing` header (read, parse, handle, wait) so the bench can tell the
// peer's time from the client's.
import { startOpenAIPeer } from '@mmre/provider-testkit';

const latencyMs = Number(process.argv[2] ?? 0);
const mode = process.argv[3] ?? 'light';
if (mode !== 'light' && mode !== 'full')
  throw new Error(`peer-server.mjs: validation must be light or full, got ${mode}`);
const peer = await startOpenAIPeer({
  latencyMs,
  latencyFrom: 'arrival',
  maxImagesPerPrompt: 16,
  imageValidation: mode,
  serverTiming: true,
});
process.stdout.write(`${JSON.stringify({ url: peer.url, imageValidation: mode })}\n`);
process.on('SIGTERM', async () => {
  await peer.close();
  process.exit(0);
});
