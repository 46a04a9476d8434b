#!/usr/bin/env node
// `pnpm kmsvault` in the workspace: the CLI's TypeScript sources run through tsx, for working on them.
// What users install is the bundle, dist/kmsvault.js (pnpm --filter @kmsvault/cli build).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../src/bin.ts');
