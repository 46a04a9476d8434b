#!/usr/bin/env node
// The kmsvault CLI: TypeScript sources run through tsx.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/bin.ts');
