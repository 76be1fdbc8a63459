/**
 * Who an answer is from, as the approval rules will see it. Without an
 * allowed-signers file that is the answering clone's git user.email, a claim;
 * with one, the principal whose key signed the answer — or, unsigned or badly
 * signed, why not (the rules then refuse it).
 */
import { verifySignature } from '../adapters/signature/ssh-signature.js';
import type { GateAnswer } from '../engine/index.js';
import { SIGNATURE_NAMESPACE, signedText, type AnswerRecord } from '../records/answers/answer-record.js';

export async function gateAnswerOf(record: AnswerRecord, allowedSigners: string | undefined): Promise<GateAnswer> {
  const { decision, by, identity, from, reason, signature } = record;
  const claimed: GateAnswer = {
    decision,
    by,
    identity,
    from,
    proof: 'claim',
    ...(reason === undefined || reason === '' ? {} : { reason }),
  };
  if (allowedSigners === undefined) return claimed;
  if (signature === undefined) return { ...claimed, signatureProblem: 'this one is not signed' };
  const verified = await verifySignature(signedText(record), signature, allowedSigners, SIGNATURE_NAMESPACE);
  if (!verified.ok) return { ...claimed, signatureProblem: verified.error.message };
  return { ...claimed, identity: verified.value, proof: 'signature' };
}
