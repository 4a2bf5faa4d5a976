// The PFA prompt functions of @mmre/pfa, re-exported so the configs can name them with `file://`
// (promptfoo loads prompts from files, not from `package:` references). Resolving '@mmre/pfa' from
// this folder walks up to the workspace's (or your project's) node_modules.
export { joint, mner, summary } from '@mmre/pfa';
