#!/usr/bin/env node
// The `cardops` command. It runs the TypeScript sources through tsx, so it works right after
// `npm install` on a fresh clone, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../electron/cli/main.ts');
