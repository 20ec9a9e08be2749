export { detectPii, type DetectPiiOptions } from './detect-pii.ts';
export type { PiiFinding } from './pii-finding.ts';
export { piiKinds, secretKinds, type PiiKind } from './pii-kind.ts';
