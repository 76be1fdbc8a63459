/**
 * A second process for the control-channel test: `tsx send-answer.fixture.ts
 * REPO DECISION BY [REASON]` answers the only running run's gate, like
 * `lieutenant approve` from another terminal, and prints the result as JSON.
 */
import { sendAnswer } from '../records/control/answers.js';

const [repo, decision, by, reason] = process.argv.slice(2);
if (repo === undefined || by === undefined || (decision !== 'approve' && decision !== 'abort' && decision !== 'halt')) {
  process.stderr.write('usage: send-answer.fixture.ts REPO approve|abort|halt BY [REASON]\n');
  process.exit(2);
}
const result = await sendAnswer(repo, undefined, reason === undefined ? { decision, by } : { decision, by, reason });
process.stdout.write(`${JSON.stringify(result)}\n`);
