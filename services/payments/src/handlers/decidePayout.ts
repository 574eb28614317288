import { HttpProblem, httpHandler, IdentifierSchema, NotFoundError } from '@payflow/shared';
import { z } from 'zod';
import { approvalRefusal, decidedPayout, PayoutDecisionBodySchema, payoutView } from '../domain/payout';
import { recordChange, submitPayout } from '../domain/payout-flow';
import { authorize, isOperator } from '../guards';
import { logger, payoutDependencies, services } from '../wiring';

/**
 * POST /payouts/{payoutId}/approval (operators, scope payments/payouts): `{ decision: approve | reject, note? }` on
 * a payout AWAITING_APPROVAL. Four eyes: the operator who asked for the payout cannot decide on it (403); an
 * approved payout goes to the provider at once.
 */
export const handler = httpHandler(
  { body: PayoutDecisionBodySchema, path: z.strictObject({ payoutId: IdentifierSchema }), logger },
  async ({ body, path, headers }) => {
    const principal = await authorize(headers, 'payments/payouts');
    const found = await services().payouts.get(path.payoutId);
    const operator = isOperator(principal);
    if (!found || !(operator || found.payout.merchantId === principal.clientId))
      throw new NotFoundError(`Payout ${path.payoutId} was not found`);
    const refusal = approvalRefusal(found.payout, { subject: principal.subject, operator });
    if (refusal === 'not-an-operator')
      throw new HttpProblem(403, 'Only an operator may approve or reject a held payout.');
    if (refusal === 'requester') {
      logger.warn('Payout approval refused: the requester tried to decide on their own payout', {
        payoutId: path.payoutId,
        operator: principal.subject,
      });
      throw new HttpProblem(
        403,
        'A payout must be approved by an operator other than the one who requested it.',
      );
    }
    const deps = payoutDependencies();
    const decided = decidedPayout(found.payout, body, principal.subject, new Date());
    let payout = await recordChange(found.payout, decided, deps);
    if (payout !== decided) {
      throw new HttpProblem(409, `Payout ${path.payoutId} was decided meanwhile; it is ${payout.status}`);
    }
    logger.info('Payout decided', {
      payoutId: payout.payoutId,
      decision: body.decision,
      by: principal.subject,
    });
    payout = await submitPayout(payout, deps);
    return payoutView(payout);
  },
);
