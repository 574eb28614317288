/** SSM Parameter Store (JSON 1.1, X-Amz-Target `AmazonSSM.<Op>`): the calls Powertools Parameters and the CLI make. */
import {
  AwsError,
  dispatchJson,
  jsonError,
  jsonTarget,
  type AwsRequest,
  type AwsResponse,
  type Emulator,
} from './protocol';
import { arn } from './config';

interface Parameter {
  name: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModified: number;
  description?: string;
}

type Input = Record<string, unknown>;

const MAX_GET_PARAMETERS = 10;

export class SsmEmulator implements Emulator {
  readonly signingName = 'ssm';
  private readonly parameters = new Map<string, Parameter>();
  private readonly handlers: Record<string, (input: Input) => unknown> = {
    GetParameter: (i) => this.getParameter(i),
    GetParameters: (i) => this.getParameters(i),
    GetParametersByPath: (i) => this.getParametersByPath(i),
    PutParameter: (i) => this.putParameter(i),
    DeleteParameter: (i) => this.deleteParameter(i),
  };

  /** What a template's AWS::SSM::Parameter declares (provisioning); an existing value is overwritten. */
  put(parameter: { name: string; type?: string; value: string; description?: string }): void {
    this.putParameter({
      Name: parameter.name,
      Type: parameter.type ?? 'String',
      Value: parameter.value,
      Description: parameter.description,
      Overwrite: true,
    });
  }

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    return dispatchJson('SSM', this.handlers, req);
  }

  errorResponse(error: AwsError): AwsResponse {
    return jsonError(error);
  }

  private getParameter(input: Input) {
    const parameter = this.find(name(input));
    if (!parameter) throw notFound(name(input));
    return { Parameter: this.describe(parameter, input.WithDecryption === true) };
  }

  private getParameters(input: Input) {
    const names = input.Names;
    if (!Array.isArray(names) || names.length < 1 || names.length > MAX_GET_PARAMETERS) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length less than or equal to ${MAX_GET_PARAMETERS} and greater than or equal to 1`,
      );
    }
    const found = names.map(String).map((n) => [n, this.find(n)] as const);
    return {
      Parameters: found.filter(([, p]) => p).map(([, p]) => this.describe(p!, input.WithDecryption === true)),
      InvalidParameters: found.filter(([, p]) => !p).map(([n]) => n),
    };
  }

  private getParametersByPath(input: Input) {
    const path = String(input.Path ?? '');
    if (!path.startsWith('/'))
      throw new AwsError('ValidationException', `The path ${path} must begin with /`);
    const prefix = path.endsWith('/') ? path : `${path}/`;
    const parameters = [...this.parameters.values()].filter(
      (p) =>
        p.name.startsWith(prefix) && (input.Recursive === true || !p.name.slice(prefix.length).includes('/')),
    );
    return { Parameters: parameters.map((p) => this.describe(p, input.WithDecryption === true)) };
  }

  private putParameter(input: Input) {
    const parameterName = name(input);
    if (typeof input.Value !== 'string' || input.Value === '') {
      throw new AwsError(
        'ValidationException',
        "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    }
    const existing = this.parameters.get(parameterName);
    if (existing && input.Overwrite !== true) {
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    const type = (input.Type ?? existing?.type ?? 'String') as Parameter['type'];
    if (!['String', 'StringList', 'SecureString'].includes(type)) {
      throw new AwsError(
        'ValidationException',
        `Parameter type ${type} is not String, StringList or SecureString`,
      );
    }
    const parameter: Parameter = {
      name: parameterName,
      type,
      value: input.Value,
      version: (existing?.version ?? 0) + 1,
      lastModified: Date.now() / 1000,
      description: typeof input.Description === 'string' ? input.Description : existing?.description,
    };
    this.parameters.set(parameterName, parameter);
    return { Version: parameter.version, Tier: 'Standard' };
  }

  private deleteParameter(input: Input) {
    if (!this.parameters.delete(name(input))) throw notFound(name(input));
    return {};
  }

  /** By name or ARN; a `:version` selector must name the current version (older ones are not kept). */
  private find(nameOrArn: string): Parameter | undefined {
    const [plain, version] = splitSelector(nameOrArn.replace(/^arn:aws:ssm:[^:]*:[^:]*:parameter/, ''));
    const parameter = this.parameters.get(plain) ?? this.parameters.get(`/${plain}`);
    if (parameter && version !== undefined && String(parameter.version) !== version) return undefined;
    return parameter;
  }

  private describe(parameter: Parameter, decrypt: boolean) {
    // Without WithDecryption AWS returns a SecureString's ciphertext; locally, its base64 stands in for it.
    const value =
      parameter.type === 'SecureString' && !decrypt
        ? Buffer.from(parameter.value).toString('base64')
        : parameter.value;
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: value,
      Version: parameter.version,
      LastModifiedDate: parameter.lastModified,
      ARN: arn('ssm', `parameter${parameter.name.startsWith('/') ? '' : '/'}${parameter.name}`),
      DataType: 'text',
    };
  }
}

function name(input: Input): string {
  if (typeof input.Name !== 'string' || input.Name === '') {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  }
  return input.Name;
}

function splitSelector(nameWithSelector: string): [string, string | undefined] {
  const match = /^(.*):(\d+)$/.exec(nameWithSelector);
  return match ? [match[1]!, match[2]] : [nameWithSelector, undefined];
}

function notFound(parameterName: string): AwsError {
  return new AwsError('ParameterNotFound', `Parameter ${parameterName} not found.`);
}
