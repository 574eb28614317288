// asl-validator 4 ships no types: what these tests use of it.
declare module 'asl-validator' {
  function aslValidator(
    definition: object,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): {
    isValid: boolean;
    errors: Array<{ 'Error code': string; Message: string }>;
    errorsText(separator?: string): string;
  };
  export = aslValidator;
}
