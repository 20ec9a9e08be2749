import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTrainingTimeBudget, firstGuessOverheadSeconds } from './training-time-budget.ts';

const hyperparameters = { maxSteps: 24, batchSize: 4 };
const minute = 60_000;

test('a task with conversation-length examples is not started where a short JSON task fits the same budget', () => {
  const budget = createTrainingTimeBudget({ budgetSeconds: 20 * 60 });
  budget.start(0);
  // ~4,000 characters an example (a tool loop): 24 × 4 × (0.28 + 9.9) s ≈ 16 min + overhead, fits 20 min…
  assert.equal(budget.veto({ task: 'loop', meanExampleChars: 4_000, hyperparameters }, 0), null);
  // …but not with 10 minutes gone, while a ~1,000-character task (24 × 4 × 2.76 s ≈ 4.4 min) still does.
  const refusal = budget.veto({ task: 'loop', meanExampleChars: 4_000, hyperparameters }, 10 * minute);
  assert.match(refusal ?? '', /^not in the time budget: about 1[67] min to train 24 steps on examples of ~4,000 characters here, 10 min of the 20 min budget left/);
  assert.equal(budget.veto({ task: 'json', meanExampleChars: 1_000, hyperparameters }, 10 * minute), null);
  // 40 steps of the long task never fit 20 minutes.
  assert.notEqual(budget.veto({ task: 'loop', meanExampleChars: 4_000, hyperparameters: { maxSteps: 40 } }, 0), null);
});

test('with three trainings to come, each gets a third of what is left, so the long one cannot starve the others', () => {
  const budget = createTrainingTimeBudget({ budgetSeconds: 20 * 60 });
  budget.start(0);
  const refusal = budget.veto({ task: 'loop', meanExampleChars: 4_000, hyperparameters }, 0, 3);
  assert.match(refusal ?? '', /its share is 7 min \(20 min of the 20 min budget left for 3 trainings\); a GPU trains it in minutes/);
  assert.equal(budget.veto({ task: 'json', meanExampleChars: 1_000, hyperparameters }, 0, 3), null);
  // The last slot may use all that is left.
  assert.equal(budget.veto({ task: 'json', meanExampleChars: 1_000, hyperparameters }, 14 * minute, 1), null);
  assert.notEqual(budget.veto({ task: 'json', meanExampleChars: 1_000, hyperparameters }, 14 * minute, 2), null);
});

test('the measured pace rescales later estimates and stops a training that would overrun the budget', () => {
  const budget = createTrainingTimeBudget({ budgetSeconds: 8 * 60 });
  budget.start(0);
  assert.equal(budget.veto({ task: 'a', meanExampleChars: 1_000, hyperparameters }, 0), null); // modelled 11.04 s a step
  assert.equal(budget.observe('a', { phase: 'training', step: 1, totalSteps: 24, etaSeconds: 23 * 33 }, 40_000), null);
  // Steps take three times the first guess here (33 s instead of 11 s): the scale follows, but two steps are too
  // few to judge the pace…
  assert.equal(budget.observe('a', { phase: 'training', step: 2, totalSteps: 24, etaSeconds: 22 * 33 }, 73_120), null);
  assert.ok(Math.abs(budget.stepScale() - 3) < 0.01, `scale ${budget.stepScale()}`);
  // …three are: 106 s spent + 693 s to go + overhead is past 8 min × 1.5: stopped, with the figures.
  const stop = budget.observe('a', { phase: 'training', step: 3, totalSteps: 24, etaSeconds: 21 * 33 }, 106_240);
  assert.match(stop ?? '', /^not in the time budget: stopped at step 3\/24, its measured pace would end it at about 14 min of the 8 min budget$/);
  // A training on pace is left alone.
  const fresh = createTrainingTimeBudget({ budgetSeconds: 8 * 60 });
  fresh.start(0);
  fresh.veto({ task: 'b', meanExampleChars: 1_000, hyperparameters }, 0);
  assert.equal(fresh.observe('b', { phase: 'training', step: 3, totalSteps: 24, etaSeconds: 21 * 11 }, 40_000), null);
});

test('a scale measured by an earlier run starts the estimate, and a finished training measures the overhead', () => {
  const slow = createTrainingTimeBudget({ budgetSeconds: 10 * 60, stepScale: 3 });
  slow.start(0);
  // 24 × 11.04 s × 3 ≈ 13 min: does not fit 10 minutes on this machine, although it would at the first guess.
  assert.notEqual(slow.veto({ task: 'a', meanExampleChars: 1_000, hyperparameters }, 0), null);
  assert.equal(createTrainingTimeBudget({ budgetSeconds: 10 * 60 }).veto({ task: 'a', meanExampleChars: 1_000, hyperparameters }, 0), null);

  const budget = createTrainingTimeBudget({ budgetSeconds: 10 * 60 });
  budget.start(0);
  budget.veto({ task: 'a', meanExampleChars: 1_000, hyperparameters }, 0);
  budget.observe('a', { phase: 'prepare', message: 'rendering' }, 0);
  // The job took 500 s, 260 s of them steps: the overhead is 240 s, not the first guess.
  budget.finished('a', 260, 500_000);
  assert.ok(firstGuessOverheadSeconds < 240);
  // 4.4 min of steps + 4 min overhead > 10 min − 8.3 min spent.
  assert.notEqual(budget.veto({ task: 'b', meanExampleChars: 1_000, hyperparameters }, 500_000), null);
});
