'use strict';
/**
 * osls plugin: functions and resources that exist on the local stage only (a benchmark's baseline and its queue).
 * `custom.localOnly.functions` and `custom.localOnly.resources` name them; on every other stage they are dropped
 * before anything is built or compiled, so `osls package --stage prod` never carries them. Hand-written: a
 * function cannot be switched off by a variable in osls (a null function fails the configuration).
 */
class LocalOnly {
  /**
   * @param {{ service: { custom?: { localOnly?: { functions?: string[]; resources?: string[] } };
   *   functions: Record<string, unknown>; resources?: { Resources?: Record<string, unknown> };
   *   provider: { stage: string } }; classes: { Error: new (message: string) => Error } }} serverless
   * @param {{ stage?: string }} options
   */
  constructor(serverless, options) {
    this.hooks = {
      initialize: () => {
        const service = serverless.service;
        const stage = options.stage ?? service.provider.stage;
        if (stage === 'local') return;
        const { functions = [], resources = [] } = service.custom?.localOnly ?? {};
        for (const name of functions) {
          if (!(name in service.functions)) {
            throw new serverless.classes.Error(
              `custom.localOnly.functions names ${name}, which is no function`,
            );
          }
          delete service.functions[name];
        }
        for (const logicalId of resources) {
          if (!(logicalId in (service.resources?.Resources ?? {}))) {
            throw new serverless.classes.Error(
              `custom.localOnly.resources names ${logicalId}, which is no resource`,
            );
          }
          delete service.resources.Resources[logicalId];
        }
      },
    };
  }
}

module.exports = LocalOnly;
