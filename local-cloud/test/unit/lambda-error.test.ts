import { lambdaError } from '../../src/lambda';

describe('lambdaError', () => {
  it("names the error as Lambda's runtime does, from the stack's first line", () => {
    expect(
      lambdaError(
        {
          errorType: 'Error',
          errorMessage: 'Payments answered 503: busy',
          trace: ['PaymentsUnavailable: Payments answered 503: busy', '    at createSession (x.js:1:1)'],
        },
        '',
      ),
    ).toEqual({ errorType: 'PaymentsUnavailable', errorMessage: 'Payments answered 503: busy' });
  });
  it('keeps a plain Error an Error', () => {
    expect(
      lambdaError({ errorType: 'Error', errorMessage: 'boom', trace: ['Error: boom'] }, '').errorType,
    ).toBe('Error');
  });
  it("reports serverless-offline's timeout as Sandbox.Timedout", () => {
    expect(
      lambdaError({ errorType: 'Error', errorMessage: '[504] - Lambda timeout.', trace: [] }, '').errorType,
    ).toBe('Sandbox.Timedout');
  });
});
