import {
  optionalSetting,
  optionalWholeNumberSetting,
  positiveNumberSetting,
  readEnvironment,
  requiredSetting,
  settingOr,
  wholeNumberSetting,
} from '../../src';

const Settings = {
  TABLE: requiredSetting(),
  URL: optionalSetting(),
  SHARE: positiveNumberSetting(0.05),
  DAYS: positiveNumberSetting(),
  UNITS: wholeNumberSetting(3, 1),
  LIMIT: optionalWholeNumberSetting(1),
  RATIO: positiveNumberSetting(0.5, 1),
  CURRENCY: settingOr('EUR'),
};
const read = (env: NodeJS.ProcessEnv) => readEnvironment(Settings, env, 'services/x/serverless.yml');

describe('readEnvironment', () => {
  it('reads each setting as its type, with the fallbacks for those unset or empty', () => {
    expect(read({ TABLE: 't', DAYS: '7' })).toEqual({
      TABLE: 't',
      SHARE: 0.05,
      DAYS: 7,
      UNITS: 3,
      RATIO: 0.5,
      CURRENCY: 'EUR',
    });
    expect(read({ TABLE: 't', URL: '', SHARE: '', DAYS: '0.5', UNITS: '', LIMIT: '', CURRENCY: '' })).toEqual(
      {
        TABLE: 't',
        SHARE: 0.05,
        DAYS: 0.5,
        UNITS: 3,
        RATIO: 0.5,
        CURRENCY: 'EUR',
      },
    );
    expect(
      read({
        TABLE: 't',
        URL: 'http://x',
        SHARE: '0.2',
        DAYS: '1',
        UNITS: '10',
        LIMIT: '5',
        CURRENCY: 'GBP',
      }),
    ).toEqual({
      TABLE: 't',
      URL: 'http://x',
      SHARE: 0.2,
      DAYS: 1,
      UNITS: 10,
      LIMIT: 5,
      RATIO: 0.5,
      CURRENCY: 'GBP',
    });
  });

  it('names every variable that is missing or empty, and where the service sets it', () => {
    expect(() => read({ TABLE: '' })).toThrow(
      'Environment variable TABLE is not set (see services/x/serverless.yml); ' +
        'Environment variable DAYS is not set (see services/x/serverless.yml)',
    );
  });

  it('says what a wrong value should be, and what it got', () => {
    expect(() => read({ TABLE: 't', DAYS: 'soon' })).toThrow(
      'Environment variable DAYS must be a positive number, got "soon"',
    );
    expect(() => read({ TABLE: 't', DAYS: '-1' })).toThrow('DAYS must be a positive number, got "-1"');
    expect(() => read({ TABLE: 't', DAYS: '1', UNITS: '2.5' })).toThrow(
      'Environment variable UNITS must be a whole number of at least 1, got "2.5"',
    );
    expect(() => read({ TABLE: 't', DAYS: '1', RATIO: '1' })).toThrow(
      'Environment variable RATIO must be above 0 and below 1, got "1"',
    );
    expect(() => read({ TABLE: 't', DAYS: '1', LIMIT: '0' })).toThrow(
      'Environment variable LIMIT must be a whole number of at least 1, got "0"',
    );
  });
});
