/**
 * What `npm install && npm start` depends on. npm 11 skips dependencies' install scripts unless
 * package.json allows them: without electron's postinstall there is no Electron binary to start.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string>; allowScripts?: Record<string, boolean> };

describe('package.json', () => {
  it("allows electron's install script (it downloads the binary) and esbuild's", () => {
    expect(pkg.allowScripts?.electron).toBe(true);
    expect(pkg.allowScripts?.esbuild).toBe(true);
  });
  it('applies the patches (patches/) after every install', () => {
    expect(pkg.scripts.postinstall).toBe('patch-package');
  });
});
