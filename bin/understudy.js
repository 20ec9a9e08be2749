#!/usr/bin/env node
// The CLI runs its TypeScript sources directly through tsx's loader, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
