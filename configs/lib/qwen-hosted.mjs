// QwenHostedProvider of @mmre/provider-qwen-hosted as this file's default export, so presets can name
// it with `file://lib/qwen-hosted.mjs` (resolved from configs/, the first -c config's folder).
export { QwenHostedProvider as default } from '@mmre/provider-qwen-hosted';
