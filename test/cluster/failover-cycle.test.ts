/** The join page's choice of the next node while it has none (client/src/failover.ts), step by step. */
import t from 'tap';
import { ATTEMPTS_PER_NODE, NodeCycle, originOf } from '../../client/src/failover.js';

const A = 'http://a.example:3000';
const B = 'http://b.example:3000';
const C = 'http://c.example:3000';

/** No jitter: pauses are their base value. */
const cycleAt = (origin: string) => new NodeCycle(origin, () => 0.5);

t.test('a node that does not answer is tried a few times, then the next node in the sorted list', async (t) => {
  const cycle = cycleAt(B);
  cycle.setNodes([`${C}/`, `${A}/path`, 'not a url', 'ftp://x.example'], B);
  t.same(cycle.nodes, [A, B, C], 'origins, sorted, the current node kept, invalid URLs dropped');
  for (let i = 1; i < ATTEMPTS_PER_NODE; i++) t.equal(cycle.unanswered(B), B, `attempt ${i}: the same node`);
  t.equal(cycle.unanswered(B), C, 'then the next one');
  for (let i = 1; i < ATTEMPTS_PER_NODE; i++) cycle.unanswered(C);
  t.equal(cycle.unanswered(C), A, 'wrapping around');
  for (let i = 1; i < ATTEMPTS_PER_NODE; i++) cycle.unanswered(A);
  t.equal(cycle.unanswered(A), B, 'when every node went unanswered, simply the next (one may be back)');
});

t.test('a MOVED is followed at once, unless it names a node that did not answer', async (t) => {
  const cycle = cycleAt(A);
  cycle.setNodes([A, B], A);
  for (let i = 0; i < ATTEMPTS_PER_NODE; i++) cycle.unanswered(A);
  t.same(cycle.moved(B, A), { origin: B, delayMs: 500 }, 'to the crashed node: the same node again, after a pause');
  t.same(cycle.moved(B, A), { origin: B, delayMs: 1000 }, 'pauses grow');
  t.same(cycle.moved(B, C), { origin: C, delayMs: 0 }, 'to a node that may answer: at once');
  t.same(cycle.nodes, [A, B, C], 'and that node is known from then on');
  t.same(cycle.moved(C, null), { origin: B, delayMs: 2000 }, 'a MOVED without a valid URL: the next node that answered');
  for (let i = 0; i < 10; i++) cycle.failed(B);
  t.equal(cycle.failed(B).delayMs, 5000, 'pauses are capped');
  cycle.connected();
  t.same(cycle.moved(B, A), { origin: A, delayMs: 0 }, 'once connected, a new search trusts every node again');
  t.equal(cycle.moved(A, A), null, 'a node sending the page to itself (its PUBLIC_URL is another node’s) ends the search');
});

t.test('nodes disagreeing about a meeting do not make the page spin', async (t) => {
  const cycle = cycleAt(A);
  cycle.setNodes([A, B], A);
  const steps = Array.from({ length: 5 }, (_, i) => cycle.moved(i % 2 ? B : A, i % 2 ? A : B));
  t.same(
    steps.map((s) => (s ? s.delayMs > 0 : null)),
    [false, false, false, true, true],
    'three MOVED answers followed at once, then pauses',
  );
});

t.test('originOf takes http(s) URLs only', async (t) => {
  t.equal(originOf('https://node-2.example.gov.vn/x?y'), 'https://node-2.example.gov.vn');
  t.equal(originOf('javascript:alert(1)'), null);
  t.equal(originOf(42), null);
});
