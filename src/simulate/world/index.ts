/**
 * The simulated world: payload value pools split train/eval, generators for planted personal data, and
 * span bookkeeping so a redactor can be scored. The redactor (`src/curate/`) must not import this folder.
 */
export { valuePools, citiesIn, streetsIn } from './value-pools.ts';
export type { ValuePools, CityEntry, ProductEntry, StreetEntry } from './value-pools.ts';
export {
  personName,
  emailAddress,
  phoneNumber,
  iban,
  cardNumber,
  streetAddress,
  apiKey,
  dateOfBirth,
  nationalId,
  ipAddress,
  luhnValid,
  ibanValid,
  piiValue,
} from './pii-generators.ts';
export type { CountryValue } from './pii-generators.ts';
export { PlantedText, locatePlanted, toPiiSpans } from './planted-text.ts';
export type { PlantedValue, PlantedSpan } from './planted-text.ts';
export { planPii, maybe, piiRates, piiKinds } from './pii-plan.ts';
export type { PiiSetting, PiiPlanOptions } from './pii-plan.ts';
