/**
 * What the main process lets in over IPC, tested as the pure functions they are (no Electron):
 * which pages may send at all (Electron's security checklist, "validate the sender of all IPC
 * messages"), and what a Save request may carry.
 */
import { describe, expect, it } from 'vitest';
import { MAX_SAVE_BYTES, parseSaveRequest } from '../../electron/main/ipc.js';
import { isTrustedSender } from '../../electron/main/sender.js';

describe('isTrustedSender', () => {
  it('trusts the app scheme and the dev server origin, nothing else', () => {
    expect(isTrustedSender('cardops://app/index.html', 'cardops://app')).toBe(true);
    expect(isTrustedSender('cardops://app/', 'cardops://app')).toBe(true);
    expect(isTrustedSender('cardops://evil/index.html', 'cardops://app')).toBe(false);
    expect(isTrustedSender('https://app/index.html', 'cardops://app')).toBe(false);
    expect(isTrustedSender('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isTrustedSender('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://localhost.evil.com:5173/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('http://user:pw@localhost:5173/', 'http://localhost:5173')).toBe(false);
    expect(isTrustedSender('about:blank', 'cardops://app')).toBe(false);
    expect(isTrustedSender('', 'cardops://app')).toBe(false);
    expect(isTrustedSender(undefined, 'cardops://app')).toBe(false);
    expect(isTrustedSender(null, 'cardops://app')).toBe(false);
    expect(isTrustedSender('not a url', 'cardops://app')).toBe(false);
  });

  it('refuses everything when the expected origin itself is not a URL', () => {
    expect(isTrustedSender('cardops://app/index.html', '')).toBe(false);
    expect(isTrustedSender('cardops://app/index.html', 'not a url')).toBe(false);
  });

  it('trusts a file:// page only inside the app folder', () => {
    const app = 'file:///opt/CardOps/resources/app/out/renderer/index.html';
    expect(isTrustedSender(app, app)).toBe(true);
    expect(isTrustedSender('file:///opt/CardOps/resources/app/out/renderer/other.html', app)).toBe(true);
    expect(isTrustedSender('file:///home/me/Downloads/evil.html', app)).toBe(false);
    expect(isTrustedSender('file:///opt/CardOps/resources/app/out/renderer/%2e%2e/%2e%2e/x.html', app)).toBe(false);
    // A sibling folder whose name merely starts with the app folder's is outside it.
    expect(isTrustedSender('file:///opt/CardOps/resources/app/out/renderer-evil/index.html', app)).toBe(false);
  });
});

describe('Save requests from the renderer', () => {
  it('accepts a file name only, never a path, for Save', () => {
    expect(parseSaveRequest({ suggestedName: 'ops.csv', content: 'a,b' })).toEqual({ suggestedName: 'ops.csv', content: 'a,b' });
    expect(parseSaveRequest({ suggestedName: '../../etc/passwd', content: '' })?.suggestedName).toBe('_.._etc_passwd');
    expect(parseSaveRequest({ suggestedName: 'C:\\x\\y.csv', content: '' })?.suggestedName).toBe('C__x_y.csv');
    expect(parseSaveRequest({ suggestedName: 1, content: '' })).toBeNull();
    expect(parseSaveRequest('x')).toBeNull();
  });

  it('refuses a missing or oversized content, and names a nameless export itself', () => {
    expect(parseSaveRequest(null)).toBeNull();
    expect(parseSaveRequest({ suggestedName: 'a.csv' })).toBeNull();
    expect(parseSaveRequest({ suggestedName: 'a.csv', content: 'x'.repeat(MAX_SAVE_BYTES + 1) })).toBeNull();
    expect(parseSaveRequest({ suggestedName: '...', content: '' })?.suggestedName).toBe('cardops-export.csv');
    expect(parseSaveRequest({ suggestedName: 'a\u0000b\nc.csv', content: '' })?.suggestedName).toBe('a_b_c.csv');
  });
});
