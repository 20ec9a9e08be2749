import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeExclusiveClusters, type ClusterMember } from './merge-exclusive-clusters.ts';

/**
 * Synthetic runs of one agent: every episode runs a "lookup" step (cluster 0, features 1–3), then one of
 * two clusters of the step under test. Features stand for skeleton sentences.
 */
function runs(count: number, second: (episode: number) => Array<{ cluster: number; features: number[] }>): ClusterMember[] {
  const members: ClusterMember[] = [];
  for (let episode = 0; episode < count; episode += 1) {
    members.push({ cluster: 0, episode: `e${episode}`, structure: 'p:temperature=0', system: 'lookup', features: [1, 2, 3] });
    for (const call of second(episode)) members.push({ ...call, episode: `e${episode}`, structure: 'p:temperature=0', system: 'step' });
  }
  return members;
}

const labelsOf = (members: readonly ClusterMember[], labels: Int32Array, cluster: number) => new Set(members.flatMap((member, index) => (member.cluster === cluster ? [labels[index]!] : [])));

describe('mergeExclusiveClusters', () => {
  it('joins two wordings of one step that stand in for each other in the runs', () => {
    // Cluster 1 words the step one way (feature 10), cluster 2 another (feature 20); both keep features 11 and 12.
    const members = runs(120, (episode) => [episode % 3 === 0 ? { cluster: 2, features: [11, 12, 20] } : { cluster: 1, features: [10, 11, 12] }]);
    const labels = mergeExclusiveClusters(members);
    assert.deepEqual(labelsOf(members, labels, 2), labelsOf(members, labels, 1));
  });

  it('keeps apart a step that extends another step\'s prompt, even where it replaces that step in a run', () => {
    // A repair step: the writing step's prompt (features 10–12) plus a query and an error section (30, 31).
    // Runs that start from a saved query that broke skip writing and go straight to repair.
    const members = runs(120, (episode) => [episode % 4 === 0 ? { cluster: 2, features: [10, 11, 12, 30, 31] } : { cluster: 1, features: [10, 11, 12] }]);
    const labels = mergeExclusiveClusters(members);
    assert.equal(labelsOf(members, labels, 1).size, 1);
    assert.notDeepEqual(labelsOf(members, labels, 2), labelsOf(members, labels, 1));
  });

  it('joins pieces of a step that runs more than once per episode, where the pieces meet only as often as the repeats explain', () => {
    // Every third episode runs the step twice; each call lands in piece 1 or piece 2 at random (say, split by
    // recurring result rows), so pieces share the episodes where the two calls fell apart: ~11% of piece 2's.
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const piece = () => (random() < 0.6 ? { cluster: 1, features: [10, 11, 40] } : { cluster: 2, features: [10, 11, 41] });
    const members = runs(300, (episode) => (episode % 3 === 0 ? [piece(), piece()] : [piece()]));
    const shared = new Set(members.filter((member) => member.cluster === 1).map((member) => member.episode));
    const piece2Episodes = new Set(members.filter((member) => member.cluster === 2).map((member) => member.episode));
    const overlap = [...piece2Episodes].filter((episode) => shared.has(episode)).length / piece2Episodes.size;
    assert.ok(overlap > 0.05, `the pieces must meet more often than the plain 5% allowance (${overlap.toFixed(3)})`);
    const labels = mergeExclusiveClusters(members);
    assert.deepEqual(labelsOf(members, labels, 2), labelsOf(members, labels, 1));
  });

  it('keeps apart two steps that meet in most of their runs', () => {
    const members = runs(200, (episode) => [{ cluster: 1, features: [10, 11] }, ...(episode % 2 === 0 ? [{ cluster: 2, features: [10, 12] }] : [])]);
    const labels = mergeExclusiveClusters(members);
    assert.notDeepEqual(labelsOf(members, labels, 2), labelsOf(members, labels, 1));
  });
});
