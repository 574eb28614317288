'use strict';
/**
 * osls plugin: the CloudWatch alarms every Payflow stack needs, derived from what the compiled template holds, so
 * a function, dead-letter queue, HTTP API or state machine added later is watched without anyone remembering to:
 *
 * - every Lambda function: Errors > 0 and Throttles > 0 in 5 minutes;
 * - every queue used as a dead-letter queue (a queue's RedrivePolicy, a rule target's DeadLetterConfig, a
 *   function's on-failure destination): ApproximateNumberOfMessagesVisible > 0;
 * - every HTTP API: more than 5 % of requests answered 5xx in 5 minutes (once there are 20 requests);
 * - every state machine: ExecutionsFailed > 0 and ExecutionsTimedOut > 0.
 *
 * All of them notify `custom.alarms.topicArn` (the stage's alarm topic, owned by services/event-bus) when they fire
 * and when they clear. Hand-written: serverless-plugin-aws-alerts covers functions only and wants serverless <= 3
 * as a peer (serverless-offline wants 4).
 */

const PERIOD_SECONDS = 300;

class Alarms {
  /**
   * @param {{ service: { service: string; custom?: { alarms?: { topicArn?: unknown } }; provider: { stage: string;
   *   compiledCloudFormationTemplate: { Resources: Record<string, { Type: string; Properties?: any }> } } };
   *   classes: { Error: new (message: string) => Error } }} serverless
   */
  constructor(serverless) {
    this.hooks = {
      'before:aws:package:finalize:saveServiceState': () => {
        const topicArn = serverless.service.custom?.alarms?.topicArn;
        if (!topicArn) throw new serverless.classes.Error('custom.alarms.topicArn is not set');
        const resources = serverless.service.provider.compiledCloudFormationTemplate.Resources;
        const stack = `${serverless.service.service}-${serverless.service.provider.stage}`;
        Object.assign(resources, alarmsFor(resources, topicArn, stack));
      },
    };
  }
}

/**
 * @param {Record<string, { Type: string; Properties?: any }>} resources
 * @param {unknown} topicArn
 * @param {string} stack the stack's name, for the alarms' descriptions
 */
function alarmsFor(resources, topicArn, stack) {
  /** @type {Record<string, unknown>} */
  const alarms = {};
  const alarm = (logicalId, description, properties) => {
    alarms[logicalId] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmDescription: description,
        EvaluationPeriods: 1,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [topicArn],
        OKActions: [topicArn],
        ...properties,
      },
    };
  };
  const simple = (namespace, metricName, dimensions) => ({
    Namespace: namespace,
    MetricName: metricName,
    Dimensions: dimensions,
    Statistic: 'Sum',
    Period: PERIOD_SECONDS,
    Threshold: 0,
  });

  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: id } }];
      const name = resource.Properties?.FunctionName ?? id;
      alarm(`${id}ErrorsAlarm`, `${name} failed (Errors > 0 in 5 minutes): see its log group`, {
        ...simple('AWS/Lambda', 'Errors', dimensions),
      });
      alarm(`${id}ThrottlesAlarm`, `${name} was throttled (Throttles > 0 in 5 minutes)`, {
        ...simple('AWS/Lambda', 'Throttles', dimensions),
      });
    }
    if (resource.Type === 'AWS::StepFunctions::StateMachine') {
      const dimensions = [{ Name: 'StateMachineArn', Value: { Ref: id } }];
      alarm(
        `${id}ExecutionsFailedAlarm`,
        `An execution of ${stack}'s state machine ${id} failed: see its execution history`,
        {
          ...simple('AWS/States', 'ExecutionsFailed', dimensions),
        },
      );
      alarm(`${id}ExecutionsTimedOutAlarm`, `An execution of ${stack}'s state machine ${id} timed out`, {
        ...simple('AWS/States', 'ExecutionsTimedOut', dimensions),
      });
    }
    if (resource.Type === 'AWS::ApiGatewayV2::Api') {
      const metric = (metricId, metricName, returnData) => ({
        Id: metricId,
        ReturnData: returnData,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApiGateway',
            MetricName: metricName,
            Dimensions: [{ Name: 'ApiId', Value: { Ref: id } }],
          },
          Period: PERIOD_SECONDS,
          Stat: 'Sum',
        },
      });
      alarm(
        `${id}ServerErrorRateAlarm`,
        `More than 5 % of the requests to ${stack}'s HTTP API were answered 5xx in 5 minutes`,
        {
          Threshold: 5,
          Metrics: [
            metric('errors', '5xx', false),
            metric('requests', 'Count', false),
            {
              Id: 'rate',
              Label: '5xx %',
              Expression: 'IF(requests >= 20, 100 * errors / requests, 0)',
              ReturnData: true,
            },
          ],
        },
      );
    }
  }
  for (const id of deadLetterQueues(resources)) {
    const name = resources[id].Properties?.QueueName ?? id;
    alarm(
      `${id}DepthAlarm`,
      `${name} holds messages that could not be delivered or processed: inspect and redrive`,
      {
        ...simple('AWS/SQS', 'ApproximateNumberOfMessagesVisible', [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } },
        ]),
        Statistic: 'Maximum',
      },
    );
  }
  return alarms;
}

/** Logical ids of the queues something sends its failures to. */
function deadLetterQueues(resources) {
  const ids = new Set();
  const queueOf = (arn) => {
    const getAtt = arn?.['Fn::GetAtt'];
    if (Array.isArray(getAtt) && resources[getAtt[0]]?.Type === 'AWS::SQS::Queue') ids.add(getAtt[0]);
  };
  for (const resource of Object.values(resources)) {
    const p = resource.Properties ?? {};
    if (resource.Type === 'AWS::SQS::Queue') queueOf(p.RedrivePolicy?.deadLetterTargetArn);
    if (resource.Type === 'AWS::Events::Rule')
      for (const t of p.Targets ?? []) queueOf(t.DeadLetterConfig?.Arn);
    if (resource.Type === 'AWS::Lambda::EventInvokeConfig')
      queueOf(p.DestinationConfig?.OnFailure?.Destination);
    if (resource.Type === 'AWS::Lambda::Function') queueOf(p.DeadLetterConfig?.TargetArn);
  }
  return [...ids];
}

module.exports = Alarms;
module.exports.alarmsFor = alarmsFor;
