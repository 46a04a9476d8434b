import { coreManifest } from '../scripts/core-manifest';
import { CORE_MANIFEST } from '../src/core-manifest';

describe('core-manifest.ts (what the construct takes from core and web, as data)', () => {
  it('is what @kmsvault/core and @kmsvault/web give now, key order included (regenerate: pnpm --filter @kmsvault/cdk manifest)', () => {
    expect(JSON.stringify(CORE_MANIFEST, null, 2)).toBe(JSON.stringify(coreManifest(), null, 2));
  });
});
