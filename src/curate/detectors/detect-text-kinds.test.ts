import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectDatesOfBirth } from './detect-dates-of-birth.ts';
import { detectEmails } from './detect-emails.ts';
import { detectPersonNames } from './detect-person-names.ts';
import { detectStreetAddresses } from './detect-street-addresses.ts';

test('detectEmails finds addresses and rejects look-alikes', () => {
  assert.deepEqual(detectEmails('From: Ana <ana.silva+news@mail.example.com.br>, cc bob@x.io').map((finding) => finding.value), ['ana.silva+news@mail.example.com.br', 'bob@x.io']);
  assert.deepEqual(detectEmails('a..b@example.com, @handle, user@localhost, version@2.0'), []);
});

test('detectDatesOfBirth needs a birth cue or a birth column', () => {
  const text = 'I was born on 12 March 1985. Order date 2024-06-12.\nname | date_of_birth | hire_date\nAna | 1990-01-31 | 2022-10-17';
  assert.deepEqual(detectDatesOfBirth(text).map((finding) => finding.value).sort(), ['12 March 1985', '1990-01-31']);
  assert.deepEqual(detectDatesOfBirth('{"dob":"04/07/1979"}').map((finding) => finding.value), ['04/07/1979']);
});

test('detectStreetAddresses finds addresses of several countries with their city and postcode', () => {
  const cases = [
    '8341 Pine Ridge Drive, Denver, CO 80234',
    'Rua Augusta, 11, Curitiba - PR, 86800-260',
    'Calle de Alcalá, 4, 08027 Barcelona',
    'Corso Vittorio Emanuele 3, 10188 Torino',
    'Hauptstraße 12, 10115 Berlin',
    '27 place de la Liberté, 59007 Lille',
    '111, Anna Salai, Hyderabad 500535',
  ];
  for (const address of cases) {
    const findings = detectStreetAddresses(`Deliver to ${address} from now on.`);
    assert.equal(findings.sort((left, right) => right.end - right.start - (left.end - left.start))[0]?.value, address, address);
  }
  assert.deepEqual(detectStreetAddresses('We sold 3 units on Monday and 12 more in Q3.'), []);
});

test('detectPersonNames uses the gazetteer and cues, not any capitalised pair', () => {
  const text = 'Dear Ms. Okonkwo, I spoke with Kavya Singh and Jean-Luc van der Berg. Regards,\nTomasz Zielinski';
  const values = detectPersonNames(text).map((finding) => finding.value);
  for (const expected of ['Okonkwo', 'Kavya Singh', 'Tomasz Zielinski']) assert.ok(values.includes(expected), expected);
  assert.deepEqual(detectPersonNames('The Granite Harbor Partners report. Will Smith confirm? Hi Team, {"name":"Alpaca Wool Scarf"}'), []);
});
