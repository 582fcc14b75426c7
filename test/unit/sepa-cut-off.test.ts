import { isSEPACountry } from 'ibantools';
import { describe, expect, it } from 'vitest';
import {
  bankFileIdOf,
  dueSlot,
  fileIdOfMessage,
  messageIdOf,
  parseCutOff,
} from '../../shared/domain/bank-files.js';
import { isSepaCountryIban, SEPA_COUNTRIES } from '../../shared/domain/sepa-iban.js';

const at = (iso: string) => Date.parse(iso);

describe('SEPA cut-offs (issue 21)', () => {
  it('hourly: the hour just begun, dated in UTC', () => {
    expect(dueSlot({ every: 'hour' }, at('2026-12-02T13:59:59Z'))).toEqual({
      slot: '2026-12-02T13:00:00.000Z',
      executionDate: '2026-12-02',
    });
  });

  it('daily at 14:00 Berlin: today once 14:00 has passed there, yesterday before (winter and summer time)', () => {
    const cutOff = parseCutOff('14:00', 'Europe/Berlin');
    // 13:00 UTC is 14:00 in Berlin in winter (UTC+1).
    expect(dueSlot(cutOff, at('2026-12-02T13:30:00Z'))).toEqual({
      slot: '2026-12-02T13:00:00.000Z',
      executionDate: '2026-12-02',
    });
    expect(dueSlot(cutOff, at('2026-12-02T12:59:00Z'))).toEqual({
      slot: '2026-12-01T13:00:00.000Z',
      executionDate: '2026-12-01',
    });
    // Summer time (UTC+2): 14:00 Berlin is 12:00 UTC.
    expect(dueSlot(cutOff, at('2026-07-01T12:00:30Z')).slot).toBe('2026-07-01T12:00:00.000Z');
  });

  it('a local date that differs from the UTC date: the file is dated in the tenant’s time zone', () => {
    const cutOff = parseCutOff('08:00', 'Asia/Tokyo');
    // 08:00 in Tokyo on 3 December is 23:00 UTC on 2 December.
    expect(dueSlot(cutOff, at('2026-12-02T23:10:00Z'))).toEqual({
      slot: '2026-12-02T23:00:00.000Z',
      executionDate: '2026-12-03',
    });
  });

  it('refuses a cut-off or time zone that is not one, naming the field', () => {
    expect(() => parseCutOff('25:00', 'Europe/Berlin')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ param: 'credentials.cut_off' })] }),
    );
    expect(() => parseCutOff('14:00', 'Mars/Olympus')).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ param: 'credentials.time_zone' })] }),
    );
    expect(parseCutOff('hourly', 'whatever')).toEqual({ every: 'hour' });
  });

  it('one file id per cut-off, and the MsgId a bank echoes maps back to it', () => {
    const id = bankFileIdOf('2026-12-02T13:00:00.000Z');
    expect(id).toBe('bf_20261202T130000Z');
    expect(messageIdOf(id)).toBe('bf-20261202T130000Z');
    expect(fileIdOfMessage('bf-20261202T130000Z')).toBe(id);
    expect(fileIdOfMessage('ERP-2026-12-02')).toBeNull();
  });

  it('routes by the SEPA scheme’s countries, the same list ibantools keeps', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const codes = [...letters].flatMap((first) => [...letters].map((second) => first + second));
    expect([...SEPA_COUNTRIES].sort()).toEqual(codes.filter((code) => isSEPACountry(code)));
    expect(isSepaCountryIban('fr14 2004 1010 0505 0001 3M02 606')).toBe(true);
    expect(isSepaCountryIban('BR1800360305000010009795493C1')).toBe(false);
    expect(isSepaCountryIban(undefined)).toBe(false);
  });
});
