#!/usr/bin/env node
// The post-deploy smoke test (`pnpm smoke URL`): TypeScript sources run through tsx.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/smoke/bin.ts');
