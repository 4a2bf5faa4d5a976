#!/usr/bin/env node
// Committed launcher, so pnpm can link the `mmre` bin before the package is built.
import '../dist/bin.js';
