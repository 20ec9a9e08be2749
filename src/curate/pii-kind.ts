/** Curation's kinds are the shared vocabulary in contracts (the simulator plants the same names). */
export { piiKinds, secretKinds, type PiiKind } from '../contracts/pii-kind.ts';
