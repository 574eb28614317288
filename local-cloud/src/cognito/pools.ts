import { ACCOUNT_ID, REGION } from '../config';
import { localClientSecret, localPoolId } from './names';

export interface ResourceServer {
  identifier: string;
  name?: string;
  /** Full scope names, `<Identifier>/<ScopeName>`. */
  scopes: string[];
}

export interface AppClient {
  id: string;
  poolId: string;
  /** Undefined for a public client (`GenerateSecret` false). */
  secret?: string;
  allowedOAuthFlows: string[];
  allowedOAuthScopes: string[];
  allowedOAuthFlowsUserPoolClient: boolean;
  /** How long its access tokens last (`AccessTokenValidity` in `TokenValidityUnits.AccessToken`; 1 hour). */
  accessTokenSeconds: number;
}

export interface UserPool {
  id: string;
  name: string;
  arn: string;
  resourceServers: Map<string, ResourceServer>;
  clients: Map<string, AppClient>;
  groups: Map<string, { name: string; description?: string; precedence?: number }>;
  domains: Set<string>;
}

/** Scopes Cognito defines itself; a client-credentials token may carry only resource-server scopes. */
const STANDARD_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Props = Record<string, any>;

const isTrue = (value: unknown) => value === true || value === 'true';
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * The user pools, resource servers and app clients the templates declare, checked as Cognito's
 * CreateUserPoolClient checks them (a refused one fails provisioning, as the stack would fail to deploy).
 */
export class UserPools {
  private readonly pools = new Map<string, UserPool>();

  constructor(private readonly onPoolCreated: (pool: UserPool) => void = () => undefined) {}

  list(): UserPool[] {
    return [...this.pools.values()];
  }

  get(poolId: string): UserPool | undefined {
    return this.pools.get(poolId);
  }

  /** The client with this id, in whichever pool: locally a client id names one client across every pool. */
  client(clientId: string): AppClient | undefined {
    for (const pool of this.pools.values()) {
      const client = pool.clients.get(clientId);
      if (client) return client;
    }
    return undefined;
  }

  /** `id` is what `Ref` gave the pool (provisioning); by default `local_<UserPoolName without punctuation>`. */
  createUserPool(props: Props, id = localPoolId(String(props.UserPoolName))): UserPool {
    const name = String(props.UserPoolName ?? id);
    const existing = this.pools.get(id);
    if (existing) return existing;
    const pool: UserPool = {
      id,
      name,
      arn: `arn:aws:cognito-idp:${REGION}:${ACCOUNT_ID}:userpool/${id}`,
      resourceServers: new Map(),
      clients: new Map(),
      groups: new Map(),
      domains: new Set(),
    };
    this.pools.set(id, pool);
    this.onPoolCreated(pool);
    return pool;
  }

  createResourceServer(props: Props): ResourceServer {
    const pool = this.poolOf(props);
    const identifier = String(props.Identifier ?? '');
    if (!identifier) throw new Error('a resource server needs an Identifier');
    const scopes = (Array.isArray(props.Scopes) ? (props.Scopes as Props[]) : []).map((scope) => {
      const scopeName = String(scope.ScopeName ?? '');
      if (!/^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/.test(scopeName)) {
        throw new Error(
          `scope name '${scopeName}' of resource server ${identifier} is empty or has a / or "`,
        );
      }
      return `${identifier}/${scopeName}`;
    });
    const server: ResourceServer = { identifier, name: props.Name, scopes };
    pool.resourceServers.set(identifier, server);
    return server;
  }

  createClient(props: Props, fallbackName: string): AppClient {
    const pool = this.poolOf(props);
    const id = String(props.ClientName ?? fallbackName);
    const elsewhere = this.client(id);
    if (elsewhere && elsewhere.poolId !== pool.id) {
      throw new Error(
        `app client '${id}' already exists in user pool ${elsewhere.poolId}; client ids are unique`,
      );
    }
    const flows = list(props.AllowedOAuthFlows);
    const scopes = list(props.AllowedOAuthScopes);
    const generateSecret = isTrue(props.GenerateSecret);
    if (flows.includes('client_credentials')) {
      if (!generateSecret) {
        throw new Error(
          `client_credentials flow can not be selected if client does not have a client secret (client ${id})`,
        );
      }
      if (flows.some((flow) => flow !== 'client_credentials')) {
        throw new Error(
          `client_credentials flow can not be selected along with code flow or implicit flow (client ${id})`,
        );
      }
    }
    const defined = new Set([
      ...STANDARD_SCOPES,
      ...[...pool.resourceServers.values()].flatMap((server) => server.scopes),
    ]);
    const unknown = scopes.filter((scope) => !defined.has(scope));
    if (unknown.length > 0) {
      throw new Error(
        `Invalid scope requested: ${unknown.join(', ')} (client ${id}; user pool ${pool.id} defines ${[...defined].join(', ')})`,
      );
    }
    const units = String(props.TokenValidityUnits?.AccessToken ?? 'hours');
    const client: AppClient = {
      id,
      poolId: pool.id,
      ...(generateSecret ? { secret: localClientSecret(id) } : {}),
      allowedOAuthFlows: flows,
      allowedOAuthScopes: scopes,
      allowedOAuthFlowsUserPoolClient: isTrue(props.AllowedOAuthFlowsUserPoolClient),
      accessTokenSeconds:
        props.AccessTokenValidity === undefined
          ? 3600
          : Number(props.AccessTokenValidity) * (UNIT_SECONDS[units] ?? 3600),
    };
    pool.clients.set(id, client);
    return client;
  }

  createGroup(props: Props, fallbackName: string): void {
    const name = String(props.GroupName ?? fallbackName);
    this.poolOf(props).groups.set(name, {
      name,
      description: props.Description,
      precedence: props.Precedence === undefined ? undefined : Number(props.Precedence),
    });
  }

  createDomain(props: Props): void {
    this.poolOf(props).domains.add(String(props.Domain));
  }

  private poolOf(props: Props): UserPool {
    const poolId = String(props.UserPoolId ?? '');
    const pool = this.pools.get(poolId);
    if (!pool) {
      const known = [...this.pools.keys()].join(', ') || 'none';
      throw new Error(`user pool '${poolId}' does not exist (local pools: ${known})`);
    }
    return pool;
  }
}
