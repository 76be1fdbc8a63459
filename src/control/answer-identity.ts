/**
 * Who an answer is from, as the approval rules will see it. Without an
 * allowed-signers file that is the answering clone's git user.email, a claim;
 * with one, the principal whose key signed the answer — or, unsigned or badly
 * signed, why not (the rules then refuse it).
 */
import type { Result } from '../core/result.js';
import type { GateAnswer } from '../engine/index.js';
import { SIGNATURE_NAMESPACE, signedText, type AnswerRecord } from '../records/answers/answer-record.js';

/** `ssh-keygen -Y verify` (adapters/signature): the principal whose key made the signature, or why none did. */
export type VerifySignature = (
  text: string,
  signature: string,
  allowedSigners: string,
  namespace: string,
) => Promise<Result<string>>;

/** The allowed-signers file at the commit being rolled out, and how to check a signature against it. */
export interface Signers {
  text: string;
  verify: VerifySignature;
}

export async function gateAnswerOf(record: AnswerRecord, signers: Signers | undefined): Promise<GateAnswer> {
  const { decision, by, identity, from, reason, signature } = record;
  const claimed: GateAnswer = {
    decision,
    by,
    identity,
    from,
    proof: 'claim',
    ...(reason === undefined || reason === '' ? {} : { reason }),
  };
  if (signers === undefined) return claimed;
  if (signature === undefined) return { ...claimed, signatureProblem: 'this one is not signed' };
  const verified = await signers.verify(signedText(record), signature, signers.text, SIGNATURE_NAMESPACE);
  if (!verified.ok) return { ...claimed, signatureProblem: verified.error.message };
  return { ...claimed, identity: verified.value, proof: 'signature' };
}
