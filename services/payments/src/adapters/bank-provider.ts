import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { BankProvider } from '../domain/bank';
import { createBankSimulator } from '../domain/bank-simulator';

let provider: Promise<BankProvider> | undefined;

/**
 * The bank API key comes from the environment locally (BANK_API_KEY) and from SSM Parameter Store on AWS
 * (BANK_API_KEY_PARAMETER names a SecureString); never from code. The simulator is the only adapter so far.
 */
async function readApiKey(env: NodeJS.ProcessEnv): Promise<string> {
  if (env.BANK_API_KEY) return env.BANK_API_KEY;
  if (!env.BANK_API_KEY_PARAMETER) {
    throw new Error(
      'No bank credentials: set BANK_API_KEY (local) or BANK_API_KEY_PARAMETER (an SSM parameter name)',
    );
  }
  const key = await getParameter(env.BANK_API_KEY_PARAMETER, { decrypt: true, maxAge: 300 });
  if (!key) throw new Error(`SSM parameter ${env.BANK_API_KEY_PARAMETER} is empty`);
  return key;
}

export function bankProvider(env: NodeJS.ProcessEnv = process.env): Promise<BankProvider> {
  provider ??= readApiKey(env)
    .then((apiKey) => createBankSimulator({ apiKey }))
    .catch((error: unknown) => {
      provider = undefined;
      throw error;
    });
  return provider;
}
