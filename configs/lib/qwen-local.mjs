// QwenLocalProvider of @mmre/provider-qwen-local as this file's default export, so presets can name
// it with `file://lib/qwen-local.mjs` (resolved from configs/, the first -c config's folder).
export { QwenLocalProvider as default } from '@mmre/provider-qwen-local';
