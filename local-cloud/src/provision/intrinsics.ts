import { ACCOUNT_ID, REGION } from '../config';
import type { PhysicalResource } from './template';

/** Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select, Fn::Split, Fn::If and the pseudo parameters. */
export class IntrinsicResolver {
  constructor(
    private readonly stack: string,
    private readonly resources: Map<string, PhysicalResource>,
    private readonly conditions: Record<string, boolean> = {},
  ) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [fn, arg] = entries[0]!;
      switch (fn) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt':
          return this.getAtt(arg);
        case 'Fn::Sub':
          return this.sub(arg);
        case 'Fn::Join': {
          const [separator, list] = arg as [string, unknown];
          return (this.resolve(list) as unknown[]).map(String).join(separator);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [separator, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(separator);
        }
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg as [string, unknown, unknown];
          return this.resolve(this.conditions[condition] ? whenTrue : whenFalse);
        }
      }
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v)]));
  }

  ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT_ID,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': this.stack,
      'AWS::NoValue': '',
    };
    if (name in pseudo) return pseudo[name]!;
    const resource = this.resources.get(name);
    if (!resource) throw new Error(`Ref to '${name}', which the template of ${this.stack} does not declare`);
    return resource.ref;
  }

  getAtt(arg: unknown): string {
    const [logicalId, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
    const resource = this.resources.get(String(logicalId));
    const value = resource?.attributes[String(attribute)];
    if (value === undefined) {
      throw new Error(`Fn::GetAtt ${logicalId}.${attribute} cannot be resolved locally in ${this.stack}`);
    }
    return value;
  }

  private sub(arg: unknown): string {
    const [template, variables] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg), {}];
    const resolvedVariables = Object.fromEntries(
      Object.entries(variables ?? {}).map(([k, v]) => [k, String(this.resolve(v))]),
    );
    return template.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      if (name in resolvedVariables) return resolvedVariables[name]!;
      if (name.includes('.')) return this.getAtt(name);
      return this.ref(name);
    });
  }
}
