/**
 * Checks a CloudFormation template against the CloudFormation resource specification as @aws-cdk/aws-service-spec
 * ships it (the database the CDK generates its L1 classes from, pinned in package.json): every resource type
 * exists, every property exists on its type, has the right shape (string, number, boolean, list, map, nested
 * type), required properties are present, and Ref / Fn::GetAtt name resources and attributes that exist.
 * Intrinsic functions stand for values the spec cannot know and are accepted where a value is expected.
 * Hand-written: the package is data only; cfn-lint, which does this with the same data, is Python and not on
 * every machine that runs `npm test`.
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';
import type { PropertyType, Resource, SpecDatabase, TypeDefinition } from '@aws-cdk/service-spec-types';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  [attribute: string]: unknown;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

const RESOURCE_ATTRIBUTES = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
  'Metadata',
]);
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

let database: SpecDatabase | undefined;
function db(): SpecDatabase {
  database ??= loadAwsServiceSpecSync();
  return database;
}

function resourceSpec(type: string): Resource | undefined {
  return db().lookup('resource', 'cloudFormationType', 'equals', type)[0];
}

/** Every problem found, each naming the resource and the property path, e.g. `Resources.Q.Properties.Foo: ...`. */
export function validateTemplate(template: CfnTemplate): string[] {
  const problems: string[] = [];
  const resources = template.Resources ?? {};
  const checkReferences = (value: unknown, at: string) => references(value, at, template, problems);
  for (const [logicalId, resource] of Object.entries(resources)) {
    const at = `Resources.${logicalId}`;
    for (const attribute of Object.keys(resource)) {
      if (!RESOURCE_ATTRIBUTES.has(attribute))
        problems.push(`${at}: unknown resource attribute ${attribute}`);
    }
    for (const dependency of ([] as string[]).concat(resource.DependsOn ?? [])) {
      if (!(dependency in resources)) problems.push(`${at}.DependsOn: no resource ${dependency}`);
    }
    checkReferences(resource.Properties, `${at}.Properties`);
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource')
      continue;
    const spec = resourceSpec(resource.Type);
    if (!spec) {
      problems.push(`${at}: unknown resource type ${resource.Type}`);
      continue;
    }
    checkObject(resource.Properties ?? {}, spec.properties, `${at}.Properties`, resource.Type, problems);
  }
  for (const [name, output] of Object.entries(template.Outputs ?? {})) {
    checkReferences(output, `Outputs.${name}`);
    if (!isPlainObject(output) || output.Value === undefined) problems.push(`Outputs.${name}: no Value`);
  }
  intrinsics(template, '', problems);
  return problems;
}

function checkObject(
  value: unknown,
  properties: Record<string, { type: PropertyType; required?: boolean }>,
  at: string,
  owner: string,
  problems: string[],
): void {
  if (isIntrinsic(value)) return;
  if (!isPlainObject(value)) {
    problems.push(`${at}: expected an object (${owner}), got ${describe(value)}`);
    return;
  }
  for (const [name, property] of Object.entries(value)) {
    const spec = properties[name];
    if (!spec) {
      problems.push(`${at}.${name}: unknown property of ${owner}`);
      continue;
    }
    checkValue(property, spec.type, `${at}.${name}`, problems);
  }
  for (const [name, spec] of Object.entries(properties)) {
    if (spec.required && !(name in value))
      problems.push(`${at}: required property ${name} of ${owner} is missing`);
  }
}

function checkValue(value: unknown, type: PropertyType, at: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  const wrong = (expected: string) => problems.push(`${at}: expected ${expected}, got ${describe(value)}`);
  switch (type.type) {
    case 'string':
    case 'date-time':
      // CloudFormation turns numbers and booleans into the strings it passes on.
      if (!['string', 'number', 'boolean'].includes(typeof value)) wrong('a string');
      return;
    case 'number':
    case 'integer': {
      const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof number !== 'number' || Number.isNaN(number))
        wrong(`a${type.type === 'integer' ? 'n integer' : ' number'}`);
      else if (type.type === 'integer' && !Number.isInteger(number)) wrong('an integer');
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') wrong('a boolean');
      return;
    case 'json':
      if (!isPlainObject(value) && typeof value !== 'string' && !Array.isArray(value))
        wrong('a JSON document');
      return;
    case 'null':
      return;
    case 'tag':
      checkObject(
        value,
        {
          Key: { type: { type: 'string' }, required: true },
          Value: { type: { type: 'string' }, required: true },
        },
        at,
        'Tag',
        problems,
      );
      return;
    case 'ref': {
      const definition = db().get('typeDefinition', type.reference.$ref) as TypeDefinition;
      checkObject(value, definition.properties, at, definition.name, problems);
      return;
    }
    case 'array':
      if (!Array.isArray(value)) return void wrong('a list');
      value.forEach((element, i) => checkValue(element, type.element, `${at}[${i}]`, problems));
      return;
    case 'map':
      if (!isPlainObject(value)) return void wrong('a map');
      for (const [key, element] of Object.entries(value))
        checkValue(element, type.element, `${at}.${key}`, problems);
      return;
    case 'union': {
      const attempts = type.types.map((member) => {
        const found: string[] = [];
        checkValue(value, member, at, found);
        return found;
      });
      if (attempts.some((found) => found.length === 0)) return;
      // Report the attempt that got furthest (fewest problems), so the message points inside the right shape.
      problems.push(...(attempts.sort((a, b) => a.length - b.length)[0] ?? []));
      return;
    }
  }
}

/** Ref and Fn::GetAtt must name a resource (or parameter) of the template, GetAtt an attribute its type has. */
function references(value: unknown, at: string, template: CfnTemplate, problems: string[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => references(v, `${at}[${i}]`, template, problems));
  if (!isPlainObject(value)) return;
  for (const [key, inner] of Object.entries(value)) {
    if (key === 'Ref' && typeof inner === 'string') {
      if (
        !(inner in template.Resources) &&
        !(inner in (template.Parameters ?? {})) &&
        !PSEUDO_PARAMETERS.has(inner)
      )
        problems.push(`${at}: Ref to ${inner}, which is no resource or parameter of the template`);
    } else if (key === 'Fn::GetAtt') {
      const [logicalId, attribute] = Array.isArray(inner) ? inner : String(inner).split(/\.(.*)/);
      const target = template.Resources[String(logicalId)];
      if (!target) problems.push(`${at}: Fn::GetAtt of ${logicalId}, which is no resource of the template`);
      else if (typeof attribute === 'string') {
        const spec = resourceSpec(target.Type);
        if (spec && !(attribute in spec.attributes))
          problems.push(
            `${at}: Fn::GetAtt ${logicalId}.${attribute}: ${target.Type} has no attribute ${attribute}`,
          );
      }
    } else {
      references(inner, `${at}.${key}`, template, problems);
    }
  }
}

/** An intrinsic function is an object of exactly one key (two merged into one object are a template error). */
function intrinsics(value: unknown, at: string, problems: string[]): void {
  if (Array.isArray(value)) return value.forEach((v, i) => intrinsics(v, `${at}[${i}]`, problems));
  if (!isPlainObject(value)) return;
  const keys = Object.keys(value);
  if (keys.length > 1 && keys.some(isFunctionName)) {
    problems.push(
      `${at.slice(1)}: an intrinsic function must be the object's only key, found ${keys.join(', ')}`,
    );
  }
  for (const [key, inner] of Object.entries(value)) intrinsics(inner, `${at}.${key}`, problems);
}

function isFunctionName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

function isIntrinsic(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (isFunctionName(keys[0]!) || keys[0] === 'Condition');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
