// Helper for the benchmarks: runs a loopback vLLM-style peer in its own process (so its work is not
// counted as harness time) and prints {"url": ...} on stdout. Usage: node peer-server.mjs <latencyMs>
import { startOpenAIPeer } from '@mmre/provider-testkit';

const latencyMs = Number(process.argv[2] ?? 0);
const peer = await startOpenAIPeer({ latencyMs, maxImagesPerPrompt: 16, decodeImages: process.argv[3] !== 'nodecode' });
process.stdout.write(`${JSON.stringify({ url: peer.url })}\n`);
process.on('SIGTERM', async () => {
  await peer.close();
  process.exit(0);
});
