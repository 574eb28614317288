/** Secrets Manager (JSON 1.1, X-Amz-Target `secretsmanager.<Op>`): create, read and rotate a secret's value by hand. */
import { createHash, randomUUID } from 'node:crypto';
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

interface SecretVersion {
  id: string;
  secretString?: string;
  secretBinary?: string;
  stages: Set<string>;
  created: number;
}

interface Secret {
  name: string;
  arn: string;
  description?: string;
  created: number;
  versions: Map<string, SecretVersion>;
}

type Input = Record<string, unknown>;

/**
 * A secret's ARN: AWS appends six random characters to the name; locally they come from the name, so a template's
 * `Ref` to the secret is known before it is created.
 */
export function secretArn(name: string): string {
  const suffix = createHash('sha256').update(name).digest('base64url').replace(/[-_]/g, 'x').slice(0, 6);
  return arn('secretsmanager', `secret:${name}-${suffix}`);
}

export class SecretsManagerEmulator implements Emulator {
  readonly signingName = 'secretsmanager';
  private readonly secrets = new Map<string, Secret>();
  private readonly handlers: Record<string, (input: Input) => unknown> = {
    CreateSecret: (i) => this.createSecret(i),
    GetSecretValue: (i) => this.getSecretValue(i),
    PutSecretValue: (i) => this.putSecretValue(i),
    DescribeSecret: (i) => this.describeSecret(i),
    ListSecrets: () => this.listSecrets(),
    DeleteSecret: (i) => this.deleteSecret(i),
  };

  /** What a template's AWS::SecretsManager::Secret declares (provisioning); an existing secret is kept. */
  create(secret: { name: string; secretString?: string; description?: string }): string {
    if (!this.secrets.has(secret.name))
      this.createSecret({
        Name: secret.name,
        SecretString: secret.secretString,
        Description: secret.description,
      });
    return secretArn(secret.name);
  }

  operation(req: AwsRequest): string {
    return jsonTarget(req);
  }

  async handle(req: AwsRequest): Promise<AwsResponse> {
    return dispatchJson('Secrets Manager', this.handlers, req);
  }

  errorResponse(error: AwsError): AwsResponse {
    return jsonError(error);
  }

  private createSecret(input: Input) {
    const name = requiredString(input, 'Name');
    if (this.secrets.has(name)) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const secret: Secret = {
      name,
      arn: secretArn(name),
      description: typeof input.Description === 'string' ? input.Description : undefined,
      created: Date.now() / 1000,
      versions: new Map(),
    };
    this.secrets.set(name, secret);
    const version = this.addVersion(secret, input);
    return { ARN: secret.arn, Name: name, ...(version ? { VersionId: version.id } : {}) };
  }

  private getSecretValue(input: Input) {
    const secret = this.secret(input);
    const versionId = typeof input.VersionId === 'string' ? input.VersionId : undefined;
    const stage = typeof input.VersionStage === 'string' ? input.VersionStage : 'AWSCURRENT';
    const version = versionId
      ? secret.versions.get(versionId)
      : [...secret.versions.values()].find((v) => v.stages.has(stage));
    if (!version || (versionId && input.VersionStage !== undefined && !version.stages.has(stage))) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${versionId ? `VersionId: ${versionId}` : `staging label: ${stage}`}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.secretString !== undefined ? { SecretString: version.secretString } : {}),
      ...(version.secretBinary !== undefined ? { SecretBinary: version.secretBinary } : {}),
      VersionStages: [...version.stages],
      CreatedDate: version.created,
    };
  }

  private putSecretValue(input: Input) {
    const secret = this.secret(input);
    const version = this.addVersion(secret, input);
    if (!version) {
      throw new AwsError('InvalidRequestException', 'You must provide either SecretString or SecretBinary.');
    }
    return { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: [...version.stages] };
  }

  private describeSecret(input: Input) {
    const secret = this.secret(input);
    const stages: Record<string, string[]> = {};
    for (const version of secret.versions.values()) stages[version.id] = [...version.stages];
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      CreatedDate: secret.created,
      VersionIdsToStages: stages,
    };
  }

  private listSecrets() {
    return {
      SecretList: [...this.secrets.values()].map((s) => ({
        ARN: s.arn,
        Name: s.name,
        CreatedDate: s.created,
      })),
    };
  }

  private deleteSecret(input: Input) {
    const secret = this.secret(input);
    this.secrets.delete(secret.name);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
  }

  /** A new AWSCURRENT version (the old current becomes AWSPREVIOUS); none when the input has no value. */
  private addVersion(secret: Secret, input: Input): SecretVersion | undefined {
    const secretString = typeof input.SecretString === 'string' ? input.SecretString : undefined;
    const secretBinary = typeof input.SecretBinary === 'string' ? input.SecretBinary : undefined;
    if (secretString === undefined && secretBinary === undefined) return undefined;
    const id = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : randomUUID();
    const same = secret.versions.get(id);
    if (same) {
      // A retried request with the same token and value is idempotent, as on AWS.
      if (same.secretString === secretString && same.secretBinary === secretBinary) return same;
      throw new AwsError(
        'ResourceExistsException',
        `A version with ClientRequestToken ${id} already exists.`,
      );
    }
    for (const version of secret.versions.values()) {
      version.stages.delete('AWSPREVIOUS');
      if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
    }
    const version: SecretVersion = {
      id,
      secretString,
      secretBinary,
      stages: new Set(['AWSCURRENT']),
      created: Date.now() / 1000,
    };
    secret.versions.set(id, version);
    return version;
  }

  /** By name, full ARN or ARN without its random suffix. */
  private secret(input: Input): Secret {
    const id = requiredString(input, 'SecretId');
    const byName = this.secrets.get(id);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      if (secret.arn === id || id === secret.arn.slice(0, -7)) return secret;
    }
    throw new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
  }
}

function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value at '${field[0]!.toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
