'use strict';
/**
 * osls plugin: the settings a stage cannot deploy without. In serverless.yml a required setting is written
 * `${required:NAME}`: `--param NAME=value` or the stage's `params` (the local stage sets them all) first, then
 * the setting's environment variable (the way to set it through compose, which refuses --param). When none has
 * it, or its value has the wrong form, packaging stops before anything is built, naming the setting, what it is
 * and how to set it. Hand-written: osls only says `Value not found at "param" source`, with no hint attached.
 * docs/deploy.md lists the same settings.
 */

/** @type {Record<string, { env: string; about: string; example: string; pattern: RegExp }>} */
const SETTINGS = {
  alarmEmail: {
    env: 'PAYFLOW_ALARM_EMAIL',
    about: 'the address CloudWatch alarms are e-mailed to (SNS sends it a confirmation link first)',
    example: 'payments-oncall@example.com',
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  },
  paymentsApiUrl: {
    env: 'PAYMENTS_API_URL',
    about:
      "payments' HTTP API, which checkout calls: the HttpApiUrl output of payflow-payments-<stage> " +
      '(`npx serverless info --stage <stage>` in services/payments)',
    example: 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
    pattern: /^https:\/\/[^\s/]+[^\s]*[^/\s]$/,
  },
  storefrontOrigin: {
    env: 'STOREFRONT_ORIGIN',
    about: "the storefront's origin, the only one allowed to call checkout's API from a browser (CORS)",
    example: 'https://shop.example.com',
    pattern: /^https:\/\/[^\s/]+$/,
  },
  senderEmail: {
    env: 'PAYFLOW_SENDER_EMAIL',
    about: 'the From address of every notification; it must belong to senderIdentity',
    example: 'notifications@example.com',
    pattern: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  },
  senderIdentity: {
    env: 'PAYFLOW_SENDER_IDENTITY',
    about: 'the SES identity (a verified domain, or the address itself) notifications are sent as',
    example: 'example.com',
    pattern: /^[^\s/]+$/,
  },
  billerMerchantId: {
    env: 'PAYFLOW_BILLER_MERCHANT_ID',
    about:
      "the merchant the bills bucket bills for: its app client id in payments' user pool, which owns the customers " +
      'bills files create (billing-ingest)',
    example: '4tq1example2clientid3abc',
    pattern: /^[\w.:\-/]{1,128}$/,
  },
  bankApiKeyParameter: {
    env: 'PAYFLOW_BANK_API_KEY_PARAMETER',
    about: "the SSM SecureString holding the bank's API key (create it before deploying)",
    example: '/payflow/<stage>/payments/bank-api-key',
    pattern: /^\/[\w./-]+$/,
  },
  payLinkKeyParameter: {
    env: 'PAYFLOW_PAY_LINK_KEY_PARAMETER',
    about:
      'the SSM SecureString holding the key that signs pay links and access codes (payments and notification)',
    example: '/payflow/<stage>/pay-link-key',
    pattern: /^\/[\w./-]+$/,
  },
  fingerprintKeyParameter: {
    env: 'PAYFLOW_FINGERPRINT_KEY_PARAMETER',
    about: 'the SSM SecureString holding the key of request fingerprints (payments and checkout)',
    example: '/payflow/<stage>/fingerprint-key',
    pattern: /^\/[\w./-]+$/,
  },
  payoutWebhookSecretParameter: {
    env: 'PAYFLOW_PAYOUT_WEBHOOK_SECRET_PARAMETER',
    about: 'the SSM SecureString holding the secret the payouts provider signs its webhooks with (payments)',
    example: '/payflow/<stage>/payments/payout-webhook-secret',
    pattern: /^\/[\w./-]+$/,
  },
};

class RequiredSettings {
  /** @param {{ classes: { Error: new (message: string) => Error } }} serverless */
  constructor(serverless) {
    const fail = (message) => {
      throw new serverless.classes.Error(message);
    };
    this.configurationVariablesSources = {
      required: {
        /**
         * @param {{ address?: string; options: { stage?: string };
         *   resolveVariable: (variable: string) => Promise<unknown> }} input
         */
        resolve: async ({ address, options, resolveVariable }) => {
          const setting = address && SETTINGS[address];
          if (!setting)
            return fail(`\${required:${address}} names no setting (known: ${Object.keys(SETTINGS)})`);
          const param = await resolveVariable(`param:${address}, null`);
          const value = param === null || param === undefined ? process.env[setting.env] : String(param);
          const stage = options.stage ?? 'dev';
          const example = setting.example.replace('<stage>', stage);
          const howTo =
            `Set it with --param="${address}=${example}" (one service) or ${setting.env}=${example} ` +
            'in the environment (every service, and the way through compose). See docs/deploy.md.';
          if (value === undefined || value.trim() === '') {
            return fail(`${address} is required for stage ${stage} and not set: ${setting.about}. ${howTo}`);
          }
          // The local stage's own values (http://localhost...) are not checked for form.
          if (stage !== 'local' && !setting.pattern.test(value)) {
            return fail(`${address} is "${value}", which does not look like ${setting.about}. ${howTo}`);
          }
          return { value };
        },
      },
    };
  }
}

module.exports = RequiredSettings;
